"""Small hand-made sources in the official formats, written into ``tmp_path`` by the tests.

Each ``*_tables()`` returns file name -> (header, rows); tests change them (drop a row,
rename a column) before ``write_tables`` writes them as the official files do: UTF-8, every
value double-quoted, comma-separated (ROME, ESCO) or semicolon-separated (RNCP).
"""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path

import pytest

Tables = dict[str, tuple[list[str], list[list[str]]]]


def csv_text(header: list[str], rows: list[list[str]], *, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def write_tables(
    folder: Path, tables: Tables, *, delimiter: str = ",", compress: bool = False
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in tables.items():
        data = csv_text(header, rows, delimiter=delimiter).encode("utf-8")
        path = folder / name
        if compress:
            path = path.with_name(path.name + ".gz")
            data = gzip.compress(data)
        (path.parent).mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def zip_folder(folder: Path, archive: Path) -> Path:
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out.write(path, path.relative_to(folder).as_posix())
    return archive


# --- ROME 4.0 --------------------------------------------------------------------------------


def rome_tables(version: str = "v460") -> Tables:
    def name(kind: str) -> str:
        return f"unix_{kind}_{version}_utf8.csv"

    fiche_columns = [
        "code_rome", "code_fiche_metier", "code_ogr", "libelle_rome", "transition_eco",
        "transition_num", "transition_demo", "emploi_reglemente", "emploi_cadre",
        "code_rome_parent",
    ]  # fmt: skip
    competence_columns = [
        "code_ogr", "nature", "libelle_competence", "definition", "code_ogr_macro_comp",
        "code_macro_comp", "cat_comp", "sous_cat_comp", "transition_eco", "transition_num",
        "libelle_heterogeneite", "libelle_origine",
    ]  # fmt: skip
    return {
        name("grand_domaine"): (
            ["code_grand_domaine", "libelle_grand_domaine"],
            [["H", "Industrie"]],
        ),
        name("domaine_professionnel"): (
            ["code_domaine_professionnel", "libelle_domaine_professionnel"],
            [["H29", "Mécanique, travail des métaux"], ["H12", "Conception, études"]],
        ),
        name("referentiel_code_rome"): (
            fiche_columns,
            [
                [
                    "H2903",
                    "1",
                    "6001",
                    "Tourneur-fraiseur / Tourneuse-fraiseuse",
                    "Emploi Vert",
                    "O",
                    "N",
                    "N",
                    "",
                    "H2903",
                ],
                [
                    "H2913",
                    "2",
                    "6002",
                    "Soudeur / Soudeuse",
                    "Emploi Blanc",
                    "N",
                    "N",
                    "O",
                    "N",
                    "H2903",
                ],
                [
                    "H1206",
                    "3",
                    "6003",
                    "Ingénieur / Ingénieure R&D",
                    "Emploi Blanc",
                    "N",
                    "N",
                    "N",
                    "O",
                    "H1206",
                ],
            ],
        ),
        name("referentiel_appellation"): (
            ["code_ogr", "libelle_appellation_long", "libelle_appellation_court", "code_rome"],
            [
                ["11111", "Tourneur / Tourneuse", "Tourneur", "H2903"],
                ["11112", "Fraiseur / Fraiseuse", "Fraiseur", "H2903"],
                ["11113", "Soudeur / Soudeuse à l'arc", "Soudeur", "H2913"],
            ],
        ),
        name("referentiel_competence"): (
            competence_columns,
            [
                [
                    "300001",
                    "Macro-compétence",
                    "Usiner des pièces",
                    "",
                    "",
                    "1A101",
                    "Savoir-faire",
                    "Technique",
                    "",
                    "",
                    "",
                    "",
                ],
                [
                    "100001",
                    "Compétence",
                    "Régler une machine-outil",
                    "",
                    "300001",
                    "",
                    "Savoir-faire",
                    "Technique",
                    "",
                    "N",
                    "",
                    "",
                ],
                [
                    "100002",
                    "Compétence",
                    "Contrôler une pièce",
                    "",
                    "300001",
                    "",
                    "Savoir-faire",
                    "Technique expert",
                    "",
                    "N",
                    "",
                    "",
                ],
            ],
        ),
        name("referentiel_savoir"): (
            ["code_ogr_savoir", "libelle_savoir", "categorie_savoir", "sous_categorie_savoir"],
            [["200001", "Lecture de plan", "Techniques professionnelles", "Dessin"]],
        ),
        name("referentiel_contexte_travail"): (
            ["code_ogr", "libelle_cont_travail", "code_type_cont_trav", "libelle_type_cont_trav"],
            [["400001", "Travail en atelier", "5", "Lieux et déplacements"]],
        ),
        name("liens_rome_referentiels"): (
            ["code_rome", "code_compo_bloc", "code_rubrique", "code_ogr"],
            [
                ["H2903", "1", "", "6001"],
                ["H2903", "2", "", "11111"],
                ["H2903", "5", "1", "100001"],
                ["H2903", "5", "1", "100002"],
                ["H2903", "5", "3", "200001"],
                ["H2913", "5", "1", "100001"],
                ["H2903", "6", "", "400001"],
            ],
        ),
        name("coherence_item"): (
            ["code_rome", "code_ogr", "coeur_metier"],
            [["H2903", "100001", "Principale"], ["H2903", "100002", ""]],
        ),
        name("texte"): (
            [
                "code_rome",
                "code_compo_bloc",
                "libelle_type_texte",
                "position_phrase",
                "libelle_texte",
            ],
            [
                ["H2903", "3", "definition", "2", "Contrôle les cotes."],
                ["H2903", "3", "definition", "1", "Usine des pièces jusqu''à la cote."],
                ["H2903", "4", "acces_metier", "1", "CAP ou Bac professionnel."],
            ],
        ),
        name("rubrique_mobilite"): (
            ["code_rome", "code_rome_cible", "numero_ordre"],
            [["H2903", "H2913", "1"], ["H2913", "H1206", "2"]],
        ),
    }


@pytest.fixture
def rome_source(tmp_path: Path) -> Path:
    return write_tables(tmp_path / "rome" / "v460", rome_tables())


# --- ESCO ------------------------------------------------------------------------------------

OCC = "http://data.europa.eu/esco/occupation/"
SKILL = "http://data.europa.eu/esco/skill/"
ISCO = "http://data.europa.eu/esco/isco/"
OCCUPATION_COLUMNS = [
    "conceptType", "conceptUri", "iscoGroup", "preferredLabel", "altLabels", "hiddenLabels",
    "status", "modifiedDate", "regulatedProfessionNote", "scopeNote", "definition", "inScheme",
    "description", "code",
]  # fmt: skip
SKILL_COLUMNS = [
    "conceptType", "conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels",
    "hiddenLabels", "status", "modifiedDate", "scopeNote", "definition", "inScheme",
    "description",
]  # fmt: skip
REGULATED = "http://data.europa.eu/esco/regulated-professions/"


def esco_tables() -> Tables:
    def occupation(uri, isco, label, alt, note, description, code):
        return ["Occupation", OCC + uri, isco, label, alt, "", "released", "", REGULATED + note,
                "", "", "", description, code]  # fmt: skip

    def skill(uri, kind, reuse, label, alt, description):
        return ["KnowledgeSkillCompetence", SKILL + uri, kind, reuse, label, alt, "", "released",
                "", "", "", "", description]  # fmt: skip

    group_columns = ["conceptType", "conceptUri", "code", "preferredLabel", "status",
                     "altLabels", "inScheme", "description"]  # fmt: skip
    skill_group_columns = ["conceptType", "conceptUri", "preferredLabel", "altLabels",
                           "hiddenLabels", "status", "modifiedDate", "scopeNote", "inScheme",
                           "description", "code"]  # fmt: skip
    collection_columns = ["conceptType", "conceptUri", "preferredLabel", "status", "skillType",
                          "reuseLevel", "altLabels", "description", "broaderConceptUri",
                          "broaderConceptPT"]  # fmt: skip
    return {
        "en/occupations_en.csv": ([*OCCUPATION_COLUMNS], [
            occupation("o1", "7223", "metal working machine tool setter",
                       "lathe setter\nCNC setter", "unregulated", "Sets machine tools.", "7223.1"),
            occupation("o2", "7223", "lathe operator", "", "regulated", "Operates lathes.",
                       "7223.1.1"),
        ]),
        "fr/occupations_fr.csv": ([*OCCUPATION_COLUMNS], [
            occupation("o1", "7223", "régleur de machines-outils/régleuse de machines-outils",
                       "régleur CN", "unregulated", "Règle les machines-outils.", "7223.1"),
        ]),
        "en/skills_en.csv": ([*SKILL_COLUMNS], [
            skill("s1", "skill/competence", "sector-specific", "set up machine tools",
                  "configure machine tools", "Set up tools."),
            skill("s2", "knowledge", "cross-sector", "technical drawings", "", "Drawings."),
            skill("s3", "skill/competence", "transversal", "use digital tools", "", "Digital."),
        ]),
        # the derived French skills file shipped with Fabrique
        "fr/skills_fr.csv": (
            ["conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels",
             "description", "labelSource", "preferredLabel_en"],
            [[SKILL + "s1", "skill/competence", "sector-specific", "régler des machines-outils",
              "paramétrer des machines-outils", "", "esco-api-live-2026", "set up machine tools"],
             [SKILL + "s2", "knowledge", "cross-sector", "", "", "", "none", "technical drawings"]],
        ),
        "en/ISCOGroups_en.csv": (group_columns, [
            ["ISCOGroup", ISCO + "C7", "7", "Craft and related trades workers", "released", "", "",
             ""],
            ["ISCOGroup", ISCO + "C7223", "7223", "Metal working machine tool setters", "released",
             "", "", ""],
        ]),
        "fr/ISCOGroups_fr.csv": (group_columns, [
            ["ISCOGroup", ISCO + "C7", "7", "Métiers qualifiés de l'industrie", "released", "", "",
             ""],
        ]),
        "en/skillGroups_en.csv": (skill_group_columns, [
            ["SkillGroup", SKILL + "g1", "working with machinery", "", "", "released", "", "", "",
             "", "S8.1"],
        ]),
        "en/digitalSkillsCollection_en.csv": (collection_columns, [
            ["KnowledgeSkillCompetence", SKILL + "s3", "use digital tools", "released",
             "skill/competence", "transversal", "", "", "", ""],
        ]),
        "relations/broaderRelationsOccPillar.csv": (
            ["conceptType", "conceptUri", "broaderType", "broaderUri"],
            [["ISCOGroup", ISCO + "C7223", "ISCOGroup", ISCO + "C7"],
             ["Occupation", OCC + "o1", "ISCOGroup", ISCO + "C7223"],
             ["Occupation", OCC + "o2", "Occupation", OCC + "o1"]],
        ),
        "relations/broaderRelationsSkillPillar.csv": (
            ["conceptType", "conceptUri", "broaderType", "broaderUri"],
            [["KnowledgeSkillCompetence", SKILL + "s1", "SkillGroup", SKILL + "g1"]],
        ),
        "relations/occupationSkillRelations.csv": (
            ["occupationUri", "relationType", "skillType", "skillUri"],
            [[OCC + "o1", "essential", "skill/competence", SKILL + "s1"],
             [OCC + "o1", "optional", "knowledge", SKILL + "s2"],
             [OCC + "o2", "essential", "skill/competence", SKILL + "s1"]],
        ),
    }  # fmt: skip


@pytest.fixture
def esco_source(tmp_path: Path) -> Path:
    return write_tables(tmp_path / "esco" / "v1.1.1", esco_tables())


# --- RNCP ------------------------------------------------------------------------------------


def rncp_tables(date: str = "2026_02_01", *, blocs_date: str | None = None) -> Tables:
    def name(table: str, day: str = date) -> str:
        return f"export_fiches_CSV_{table}_{day}.csv"

    return {
        name("Rome"): (
            ["Numero_Fiche", "Codes_Rome_Code", "Codes_Rome_Libelle"],
            [["RNCP183", "H2903", "Usinage"], ["RNCP183", "Z9999", "Inconnu"],
             ["RS5561", "H2913", "Soudage"], ["RNCP39951", "A12", "Espaces verts"]],
        ),
        name("Formacode"): (
            ["Numero_Fiche", "Formacode_Code", "Formacode_Libelle"],
            [["RNCP183", "22624", "Installation frigorifique"]],
        ),
        name("Nsf"): (
            ["Numero_Fiche", "Nsf_Code", "Nsf_Intitule"],
            [["RNCP183", "227r", "227r : Contrôle qualité des services énergétiques"],
             ["RS5561", "254s", "254s : Mécanique"]],
        ),
        name("Certificateurs"): (
            ["Numero_Fiche", "Siret_Certificateur", "Nom_Certificateur"],
            [["RNCP183", "\t11000007200014", "MINISTERE DU TRAVAIL"],
             ["RS5561", "\t11000007200014", "MINISTERE DU TRAVAIL"]],
        ),
        name("CCN"): (
            ["Numero_Fiche", "Ccn_1_Numero", "Ccn_1_Libelle", "Ccn_2_Numero", "Ccn_2_Libelle",
             "Ccn_3_Numero", "Ccn_3_Libelle"],
            [["RNCP183", "3246", "Métallurgie", "", "", "", ""]],
        ),
        name("Ancienne_Nouvelle_Certification"): (
            ["Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification"],
            [["RNCP183", "RNCP100", ""], ["RNCP183", "", "RNCP37876"]],
        ),
        name("Blocs_De_Competences", blocs_date or date): (
            ["Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"],
            [["RNCP183", "RNCP183BC01", "Assurer l''entretien des installations :"],
             ["RNCP183", "RNCP183BC02", " Diagnostiquer une panne "]],
        ),
    }  # fmt: skip


@pytest.fixture
def rncp_source(tmp_path: Path) -> Path:
    return write_tables(tmp_path / "rncp", rncp_tables(), delimiter=";")
