import copy
import json

import pytest
from django.core.exceptions import ValidationError

from fabrique.frameworks import actions, csvformat, jsonformat
from fabrique.frameworks.documents import DocumentRefused, FrameworkDoc, document_of, resolve_skills
from fabrique.frameworks.models import Bloc, CompetencyFramework
from tests.frameworks.conftest import sample_document

pytestmark = pytest.mark.django_db

HEADER = ";".join(csvformat.COLUMNS)


def problems(call) -> list[str]:
    with pytest.raises(DocumentRefused) as refusal:
        call()
    return [str(problem) for problem in refusal.value.problems]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


# --- round trips ---------------------------------------------------------------------------------


def test_csv_export_is_utf8_with_a_header_and_one_row_per_level(
    coordinator, build_framework, skills
):
    version = build_framework(coordinator, sample_document(skills))

    content = csvformat.encode(document_of(version))

    assert content.startswith(b"\xef\xbb\xbf")  # byte order mark, for spreadsheets
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == HEADER
    assert lines[1] == (
        'B1;Animer un espace de fabrication numérique;"Accueil; usagers; machines.";'
        "B1.C1;Accompagner les usagers sur les machines;"
        '"Impression 3D, découpe laser, fraiseuse.\nEn sécurité.";'
        "esco:http://data.europa.eu/esco/skill/9c4920c7-7c8c-4a22-9fd2-c177b8afa21a|rome:124907;"
        "1;Applique avec de l'aide;Suit une procédure connue."
    )
    assert len([line for line in lines[1:] if line]) == 9


def test_csv_round_trip_gives_an_identical_framework(coordinator, build_framework, skills):
    published = build_framework(coordinator, sample_document(skills))
    content = csvformat.encode(document_of(published))

    version = actions.import_framework(
        document=csvformat.parse(content), framework=published.framework, by=coordinator
    )

    assert version.number == 2
    assert document_of(version) == document_of(published)
    assert csvformat.encode(document_of(version)) == content


def test_json_round_trip_into_a_new_framework_gives_an_identical_framework(
    coordinator, build_framework, skills, consortium, consortium_coordinator
):
    published = build_framework(coordinator, sample_document(skills))
    content = jsonformat.dumps(document_of(published), published).encode()

    version = actions.import_framework(
        document=jsonformat.parse(content), owner=consortium, by=consortium_coordinator
    )

    copy_doc, original = document_of(version), document_of(published)
    assert version.framework.slug == "pilotage-animation-2"
    assert (copy_doc.title, copy_doc.description, copy_doc.blocs) == (
        original.title,
        original.description,
        original.blocs,
    )


def test_json_export_is_a_versioned_document(coordinator, build_framework, skills):
    version = build_framework(coordinator, sample_document(skills))

    data = json.loads(jsonformat.dumps(document_of(version), version))

    assert data["format"] == "fabrique-framework/1"
    assert data["framework"] == {
        "slug": "pilotage-animation",
        "title": "Pilotage et animation d'espaces d'innovation",
        "description": "Pour les personnes qui font vivre les fab labs.",
        "owner": {"slug": "learning-factory", "name": "Learning Factory de l'Université"},
    }
    assert data["version"]["number"] == 1
    assert data["version"]["status"] == "published"
    assert data["version"]["change_note"] == "Première version."
    assert data["blocs"][0]["competences"][0]["skills"] == [
        {
            "scheme": "esco",
            "code": "http://data.europa.eu/esco/skill/9c4920c7-7c8c-4a22-9fd2-c177b8afa21a",
            "label": "entretenir un atelier",
        },
        {"scheme": "rome", "code": "124907", "label": "Outils de fabrication numérique"},
    ]
    assert data["blocs"][0]["competences"][0]["levels"][0] == {
        "rank": 1,
        "label": "Applique avec de l'aide",
        "description": "Suit une procédure connue.",
    }


def test_csv_formula_like_values_are_escaped_and_come_back_unchanged(coordinator, learning_factory):
    document = sample_document()
    bloc = document.blocs[1]
    tricky = type(bloc)(code="B9", title="=SUM(A1)", description="- une liste\n- à puces")
    document = FrameworkDoc(title="T", blocs=(*document.blocs, tricky))

    content = csvformat.encode(document)

    assert "B9;'=SUM(A1);\"'- une liste" in content.decode("utf-8-sig")
    assert csvformat.parse(content).blocs == document.blocs


def test_csv_accepts_empty_repeats_any_column_order_and_blocs_without_competences():
    content = csv_bytes(
        "B1;Animer;1;Débutant;C1;Accueillir;rome:124907",
        "B1;;2;Confirmé;C1;;",
        "B2;Piloter;;;;;",
        header="bloc_code;bloc_title;level_rank;level_label;competence_code;competence_title;skills",
    )

    document = csvformat.parse(content, title="Cadre")

    assert document.title == "Cadre"
    assert [(b.code, b.title) for b in document.blocs] == [("B1", "Animer"), ("B2", "Piloter")]
    (competence,) = document.blocs[0].competences
    assert [(lv.rank, lv.label) for lv in competence.levels] == [(1, "Débutant"), (2, "Confirmé")]
    assert [str(ref) for ref in competence.skills] == ["rome:124907"]
    assert document.blocs[1].competences == ()


def test_csv_with_a_repeated_blank_bloc_code_is_refused():
    content = csv_bytes(";Animer;;C1;Accueillir;;;1;Débutant;")

    assert problems(lambda: csvformat.parse(content)) == ["line 2, column bloc_code: is required."]


# --- CSV refused whole, with line and column -----------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            ["B1;Animer;;C1;Accueillir;;;1;Débutant;", "B1;Autre titre;;C2;Orienter;;;1;Un;"],
            [
                "line 3, column bloc_title: differs from line 2 (“Animer”); leave it empty or "
                "repeat it."
            ],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;;1;Débutant;", "B2;Piloter;;C1;;;;2;Confirmé;"],
            ["line 3, column competence_code: competence C1 belongs to bloc B1 (line 2)."],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;;1;Débutant;", "B1;;;C1;;;;1;Encore;"],
            ["line 3, column level_rank: competence C1 already has a level 1 (line 2)."],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;;1;Un;", "B1;;;C1;;;;3;Trois;"],
            ["line 2, column level_rank: the levels of C1 must be ranked 1 to 2; missing: 2."],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;;deux;Débutant;"],
            ["line 2, column level_rank: must be a whole number."],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;;11;Débutant;"],
            ["line 2, column level_rank: must be between 1 and 10."],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;;1;;"],
            ["line 2, column level_label: is required."],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;;;;Une description"],
            ["line 2, column level_rank: is required for a level."],
        ),
        (
            ["B 1;Animer;;C1;Accueillir;;;1;Un;"],
            [
                "line 2, column bloc_code: “B 1” is not a valid code: use letters, digits, dots, "
                "hyphens and underscores, starting with a letter or a digit."
            ],
        ),
        (
            ["B1;;;C1;Accueillir;;;1;Un;"],
            ["line 2, column bloc_title: is required."],
        ),
        (
            ["B1;Animer;;C1;;;;1;Un;"],
            ["line 2, column competence_title: is required."],
        ),
        (
            ["B1;Animer;;;Accueillir;;;1;Un;"],
            [
                "line 2, column competence_title: is given without a competence_code.",
                "line 2, column level_rank: is given without a competence_code.",
                "line 2, column level_label: is given without a competence_code.",
            ],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;rome124907;1;Un;"],
            ["line 2, column skills: “rome124907” is not scheme:code (e.g. rome:124907)."],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;isco:123;1;Un;"],
            ["line 2, column skills: isco:123: “isco” is not a skill scheme: use rome or esco."],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;rome:1|rome:1;1;Un;"],
            ["line 2, column skills: “rome:1” is listed twice."],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;rome:1;1;Un;", "B1;;;C1;;;rome:2;2;Deux;"],
            ["line 3, column skills: differs from line 2; leave it empty or repeat it."],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;;1;Un"],
            ["line 2: 9 values for 10 columns."],
        ),
        (
            ["B1;" + "x" * 301 + ";;C1;Accueillir;;;1;Un;"],
            ["line 2, column bloc_title: is too long (301 characters, at most 300)."],
        ),
        (
            ["B1;Animer\x00;;C1;Accueillir;;;1;Un;"],
            ["line 2, column bloc_title: contains a NUL character."],
        ),
        (
            ["B1;Animer;;C1;Accueillir;;;1;Un;", 'B1;;;C2;"Orienter;;;1;Un;'],
            ["line 3: this line cannot be read (unexpected end of data)."],
        ),
        ([], ["line 1: the file holds no bloc."]),
    ],
)
def test_csv_problems_are_named_by_line_and_column(rows, expected):
    assert problems(lambda: csvformat.parse(csv_bytes(*rows))) == expected


def test_csv_multiline_values_report_the_line_where_the_row_starts():
    content = csv_bytes('B1;Animer;"sur\ndeux lignes";C1;Accueillir;;;1;Un;', "B1;;;C2;;;;1;Un;")

    assert problems(lambda: csvformat.parse(content)) == [
        "line 4, column competence_title: is required."
    ]


def test_csv_reports_every_problem_at_once():
    content = csv_bytes("B1;;;C1;Accueillir;;;x;Un;", "B2;Piloter;;C2;;;;1;;")

    assert problems(lambda: csvformat.parse(content)) == [
        "line 2, column bloc_title: is required.",
        "line 2, column level_rank: must be a whole number.",
        "line 3, column competence_title: is required.",
        "line 3, column level_label: is required.",
    ]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "bloc_code;bloc_titel;competence_code;competence_title",
            [
                "line 1, column bloc_titel: unknown column; the columns are: "
                + ", ".join(csvformat.COLUMNS)
                + ".",
                "line 1: the column bloc_title is missing.",
            ],
        ),
        (
            "bloc_code;bloc_title;bloc_title;competence_code;competence_title",
            ["line 1, column bloc_title: this column is given twice."],
        ),
        (
            "bloc_code,bloc_title,competence_code,competence_title",
            ["line 1: the columns must be separated by semicolons (;), not commas."],
        ),
    ],
)
def test_csv_header_problems(header, expected):
    assert problems(lambda: csvformat.parse(csv_bytes(header=header))) == expected


def test_csv_that_is_not_utf8_is_refused_with_its_line():
    content = csv_bytes("B1;Animer;;C1;Accueillir;;;1;Un;").replace(
        b"Un", "Débutant".encode("latin-1")
    )

    assert problems(lambda: csvformat.parse(content)) == ["line 2: the file is not UTF-8 text."]


def test_empty_csv_is_refused():
    assert problems(lambda: csvformat.parse(b"")) == ["line 1: the header row is missing."]


# --- JSON refused whole, with the path ------------------------------------------------------------


@pytest.fixture
def valid_data(coordinator, build_framework):
    version = build_framework(coordinator)
    return jsonformat.to_data(document_of(version), version)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d.update(format="fabrique-framework/2"),
            ["format: must be “fabrique-framework/1”."],
        ),
        (lambda d: d.pop("blocs"), ["blocs: is required."]),
        (lambda d: d.update(extra=1), ["extra: is not a known field."]),
        (lambda d: d["framework"].update(title=""), ["framework.title: is required."]),
        (lambda d: d["framework"].update(title=12), ["framework.title: must be text."]),
        (
            lambda d: d["blocs"][1].update(code="B1"),
            ["blocs[1].code: the bloc code “B1” is already used at blocs[0].code."],
        ),
        (
            lambda d: d["blocs"][1]["competences"][0].update(code="B1.C2"),
            [
                "blocs[1].competences[0].code: the competence code “B1.C2” is already used at "
                "blocs[0].competences[1].code."
            ],
        ),
        (
            lambda d: d["blocs"][0]["competences"][1].update(code="C 2"),
            [
                "blocs[0].competences[1].code: “C 2” is not a valid code: use letters, digits, "
                "dots, hyphens and underscores, starting with a letter or a digit."
            ],
        ),
        (
            lambda d: d["blocs"][0]["competences"][0]["levels"][2].update(rank=2),
            [
                "blocs[0].competences[0].levels[2].rank: rank 2 is already given at "
                "blocs[0].competences[0].levels[1].rank."
            ],
        ),
        (
            lambda d: d["blocs"][0]["competences"][0]["levels"].pop(0),
            ["blocs[0].competences[0].levels: levels must be ranked 1 to 2; missing: 1."],
        ),
        (
            lambda d: d["blocs"][0]["competences"][0]["levels"][0].update(rank="1"),
            ["blocs[0].competences[0].levels[0].rank: must be a whole number."],
        ),
        (
            lambda d: d["blocs"][0]["competences"][0]["levels"][0].update(rank=True),
            ["blocs[0].competences[0].levels[0].rank: must be a whole number."],
        ),
        (
            lambda d: d["blocs"][0]["competences"][0]["levels"][0].pop("label"),
            ["blocs[0].competences[0].levels[0].label: is required."],
        ),
        (
            lambda d: d["blocs"][0]["competences"][0].update(
                skills=[{"scheme": "isco", "code": "1"}]
            ),
            [
                "blocs[0].competences[0].skills[0].scheme: “isco” is not a skill scheme: use "
                "rome or esco."
            ],
        ),
        (
            lambda d: d["blocs"][0]["competences"][0].update(
                skills=[{"scheme": "rome", "code": "1"}, {"scheme": "rome", "code": "1"}]
            ),
            ["blocs[0].competences[0].skills[1].code: this skill is already listed."],
        ),
        (lambda d: d.update(blocs={}), ["blocs: must be a list."]),
        (lambda d: d["blocs"].append("B3"), ["blocs[2]: must be an object."]),
        (
            lambda d: d["blocs"][0].update(title="x" * 301),
            ["blocs[0].title: is too long (301 characters, at most 300)."],
        ),
        (
            lambda d: d["blocs"][0].update(description="nul\x00"),
            ["blocs[0].description: contains a NUL character."],
        ),
        (lambda d: d.update(version=[]), ["version: must be an object."]),
    ],
)
def test_json_problems_are_named_by_path(valid_data, change, expected):
    data = copy.deepcopy(valid_data)
    change(data)

    assert problems(lambda: jsonformat.parse(json.dumps(data).encode())) == expected


def test_json_reports_every_problem_at_once(valid_data):
    data = copy.deepcopy(valid_data)
    data["blocs"][0]["title"] = ""
    data["blocs"][1]["competences"][0]["levels"][0]["label"] = ""

    assert problems(lambda: jsonformat.parse(json.dumps(data).encode())) == [
        "blocs[0].title: is required.",
        "blocs[1].competences[0].levels[0].label: is required.",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"format": ', ["line 1, column 12: this is not valid JSON (Expecting value)."]),
        (b"[]", ["must be an object."]),
        (b'{"format": NaN}', ["This is not valid JSON."]),
        (b'"\xff"', ["line 1: the file is not UTF-8 text."]),
    ],
)
def test_json_that_cannot_be_read_is_refused(content, expected):
    assert problems(lambda: jsonformat.parse(content)) == expected


def test_unknown_skills_are_refused_with_their_place(coordinator, learning_factory):
    content = csv_bytes(
        "B1;Animer;;C1;Accueillir;;rome:999999|esco:http://example.org/x;1;Un;",
    )
    document = csvformat.parse(content, title="Cadre")

    assert problems(lambda: resolve_skills(document)) == [
        "line 2, column skills: no ROME 4.0 skill has the code “999999”.",
        "line 2, column skills: no ESCO skill has the code “http://example.org/x”.",
    ]
    with pytest.raises(DocumentRefused):
        actions.import_framework(document=document, owner=learning_factory, by=coordinator)
    assert CompetencyFramework.objects.count() == 0
    assert Bloc.objects.count() == 0


def test_import_into_a_framework_with_a_draft_writes_nothing(coordinator, build_framework):
    published = build_framework(coordinator)
    actions.start_new_version(framework=published.framework, by=coordinator)
    blocs_before = Bloc.objects.count()

    with pytest.raises(ValidationError) as refusal:
        actions.import_framework(
            document=sample_document(), framework=published.framework, by=coordinator
        )

    assert refusal.value.code == "draft_exists"
    assert Bloc.objects.count() == blocs_before
