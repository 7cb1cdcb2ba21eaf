"""The planner's reasons for unfilled needs, in the reader's language.

The engine explains in English sentences of a fixed shape (``fabrique/engine/planner``,
``_unfilled``), because result files are a public contract read by other tools. Pages show
them translated, with the platform's names instead of the document's identifiers: an
occupation ``rome:H2903`` becomes its label, a session ``s-12`` its training and dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

Namer = Callable[[str], str]


def _occupation(names: Mapping[str, str]) -> Namer:
    return lambda ref: names.get(ref, ref)


# (pattern, how to say it); each pattern is one of the engine's sentences.
_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str], Namer, Namer], str]]] = [
    (
        re.compile(r"no session leads to occupation (?P<occ>\S+)$"),
        lambda m, occ, _s: _("no session leads to %(occupation)s") % {"occupation": occ(m["occ"])},
    ),
    (
        re.compile(r"no session leading to (?P<occ>\S+) ends by the deadline$"),
        lambda m, occ, _s: (
            _("no session leading to %(occupation)s ends by the deadline")
            % {"occupation": occ(m["occ"])}
        ),
    ),
    (
        re.compile(
            r"no session leading to (?P<occ>\S+) and ending by the deadline is within "
            r"(?P<km>[\d.]+) km$"
        ),
        lambda m, occ, _s: (
            _(
                "no session leading to %(occupation)s and ending by the deadline is within "
                "%(km)s km of the job"
            )
            % {"occupation": occ(m["occ"]), "km": m["km"]}
        ),
    ),
    (
        re.compile(r"no candidate within reach of a qualifying session is available by its start$"),
        lambda m, _o, _s: _(
            "no candidate within reach of a qualifying session is available by its start"
        ),
    ),
    (
        re.compile(r"candidates within reach lack the prerequisites of qualifying sessions$"),
        lambda m, _o, _s: _(
            "the candidates within reach lack the prerequisites of the qualifying sessions"
        ),
    ),
    (
        re.compile(r"no candidate already holds occupation (?P<occ>\S+)$"),
        lambda m, occ, _s: (
            _("no candidate already works as %(occupation)s") % {"occupation": occ(m["occ"])}
        ),
    ),
    (
        re.compile(r"no candidate holding (?P<occ>\S+) is within reach and available$"),
        lambda m, occ, _s: (
            _("no candidate who works as %(occupation)s is within reach and available in time")
            % {"occupation": occ(m["occ"])}
        ),
    ),
    (
        re.compile(r"only (?P<n>\d+) eligible candidates for (?P<seats>\d+) seats$"),
        lambda m, _o, _s: (
            ngettext(
                "only %(n)d eligible candidate for %(seats)d jobs",
                "only %(n)d eligible candidates for %(seats)d jobs",
                int(m["n"]),
            )
            % {"n": int(m["n"]), "seats": int(m["seats"])}
        ),
    ),
    (
        re.compile(r"(?P<n>\d+) eligible candidates are placed in other needs$"),
        lambda m, _o, _s: (
            ngettext(
                "%(n)d eligible candidate is placed in another need",
                "%(n)d eligible candidates are placed in other needs",
                int(m["n"]),
            )
            % {"n": int(m["n"])}
        ),
    ),
    (
        re.compile(r"qualifying sessions are full: (?P<ids>.+)$"),
        lambda m, _o, session: (
            _("qualifying sessions are full: %(sessions)s")
            % {"sessions": ", ".join(session(ref.strip()) for ref in m["ids"].split(","))}
        ),
    ),
    (
        re.compile(r"no further eligible candidate is available$"),
        lambda m, _o, _s: _("no further eligible candidate is available"),
    ),
]


def explain(
    reasons: Iterable[str],
    *,
    occupations: Mapping[str, str] | None = None,
    sessions: Mapping[str, str] | None = None,
) -> list[str]:
    """Each reason in the active language; a sentence of unknown shape is kept as it is."""
    occupation_name = _occupation(occupations or {})
    session_names = sessions or {}

    def session_name(ref: str) -> str:
        return session_names.get(ref, ref)

    out = []
    for reason in reasons:
        for pattern, say in _PATTERNS:
            if match := pattern.match(reason):
                out.append(say(match, occupation_name, session_name))
                break
        else:
            out.append(reason)
    return out


def names_for(reason_lists: Iterable[Iterable[str]]) -> tuple[dict[str, str], dict[str, str]]:
    """Names of the occupations and sessions the reasons refer to, in two queries."""
    from fabrique.planning.adapter import SESSION_PREFIX, record_pk
    from fabrique.referentials.models import Occupation
    from fabrique.trainings.models import Session

    text = " ".join(reason for reasons in reason_lists for reason in reasons)
    occupation_refs = set(re.findall(r"\b(?:rome|esco):\S+", text))
    session_refs = set(re.findall(r"\bs-\d+\b", text))
    codes: dict[tuple[str, str], str] = {}
    for ref in occupation_refs:
        scheme, _sep, code = ref.partition(":")
        codes[(scheme, code.rstrip(",."))] = ref
    occupations: dict[str, str] = {}
    if codes:
        for scheme, code, label in Occupation.objects.filter(
            code__in={code for _scheme, code in codes}
        ).values_list("scheme", "code", "label"):
            if (scheme, code) in codes:
                name = f"{label} ({code})" if scheme == "rome" else label
                occupations[codes[(scheme, code)]] = name
    sessions: dict[str, str] = {}
    pks = {pk: ref for ref in session_refs if (pk := record_pk(ref, SESSION_PREFIX)) is not None}
    for session in Session.objects.filter(pk__in=pks).select_related("training"):
        start = date_format(session.start, "SHORT_DATE_FORMAT")
        sessions[pks[session.pk]] = f"{session.training.title} ({start})"
    return occupations, sessions
