"""What the browser tests do with a page: log in, and a basic accessibility audit."""

from django.urls import reverse
from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery"  # the one tests.factories.UserFactory sets

# Roles that a person operates, and that therefore need an accessible name.
NAMED_ROLES = {
    "button",
    "checkbox",
    "combobox",
    "image",
    "img",
    "link",
    "listbox",
    "menuitem",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "tab",
    "textbox",
}

# Document-level rules, checked in the page.
_DOCUMENT_PROBLEMS_JS = """
() => {
  const problems = [];
  if (!document.documentElement.getAttribute("lang")) {
    problems.push("<html> has no lang attribute");
  }
  if (!document.title.trim()) {
    problems.push("the page has no <title>");
  }
  const headings = document.querySelectorAll("h1");
  if (headings.length !== 1) {
    problems.push(`${headings.length} <h1> elements instead of one`);
  }
  if (document.querySelectorAll("main").length !== 1) {
    problems.push("the page needs exactly one <main> landmark");
  }
  for (const image of document.querySelectorAll("img:not([alt])")) {
    problems.push(`<img src="${image.getAttribute("src")}"> has no alt attribute`);
  }
  const seen = new Set();
  for (const element of document.querySelectorAll("[id]")) {
    if (seen.has(element.id)) problems.push(`the id "${element.id}" is used twice`);
    seen.add(element.id);
  }
  for (const label of document.querySelectorAll("label[for]")) {
    if (!document.getElementById(label.htmlFor)) {
      problems.push(`<label for="${label.htmlFor}"> names no element`);
    }
  }
  return problems;
}
"""


def open_page(page: Page, url: str) -> None:
    """Go to ``url`` (relative to the live server) and insist on a 200 answer."""
    response = page.goto(url)
    status = response.status if response is not None else None
    assert status == 200, f"GET {url} answered {status}, not 200"


def log_in(page: Page, *, email: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person would, and land on the next page."""
    open_page(page, reverse("accounts:login"))
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator(f"form[action='{reverse('accounts:logout')}']")).to_have_count(1)


def accessibility_problems(page: Page) -> list[str]:
    """Problems that a basic audit finds on the page; an empty list when there is none.

    Not a replacement for axe or a manual audit, but no outside script is needed: the
    document rules run in the page, and the accessible names are the ones Chromium itself
    computes (its accessibility tree, through the DevTools protocol), so labels,
    aria-label(ledby), alt texts and button texts all count as they do for a screen reader.
    """
    problems: list[str] = page.evaluate(_DOCUMENT_PROBLEMS_JS)
    session = page.context.new_cdp_session(page)
    try:
        session.send("Accessibility.enable")
        tree = session.send("Accessibility.getFullAXTree")
        for node in tree["nodes"]:
            role = node.get("role", {}).get("value", "")
            name = str(node.get("name", {}).get("value", "")).strip()
            if node.get("ignored") or role not in NAMED_ROLES or name:
                continue
            problems.append(f"{_describe(session, node)} ({role}) has no accessible name")
    finally:
        session.detach()
    return problems


def _describe(session, node: dict) -> str:
    """The element's opening tag, to say which one has a problem."""
    if "backendDOMNodeId" not in node:
        return f"accessibility node {node['nodeId']}"
    described = session.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})
    element = described["node"]
    attributes = element.get("attributes", [])
    pairs = " ".join(
        f'{key}="{value}"' for key, value in zip(attributes[::2], attributes[1::2], strict=True)
    )
    return f"<{element['localName']}{' ' if pairs else ''}{pairs}>"
