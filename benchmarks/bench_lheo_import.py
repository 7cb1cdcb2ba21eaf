# ruff: noqa: E501 (the generated XML is written as long template lines)
"""Wall time and peak memory of an LHÉO import of 5,000 formations.

Generates a realistic LHÉO 2.3 file (5,000 formations of 50 organisations, two actions of
three sessions each, so 30,000 sessions), then reads, checks and imports it wet on the
database given by DATABASE_URL (default: a fresh SQLite file), then imports it again (every
record unchanged). Run (or `make bench`):

    .venv/bin/python benchmarks/bench_lheo_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fabrique_lheo .venv/bin/python benchmarks/bench_lheo_import.py
"""

import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

FORMATIONS = 5000
ORGANISATIONS = 50
ACTIONS = 2
SESSIONS = 3


def session(number: str, year: int, month: int) -> str:
    return f"""<session numero="{number}"><periode><debut>{year}{month:02d}07</debut>
<fin>{year + 1}{month:02d}00</fin></periode><adresse-inscription><adresse><ligne>1 rue du Lycée</ligne>
<codepostal>57600</codepostal><ville>Forbach</ville></adresse></adresse-inscription>
<etat-recrutement>1</etat-recrutement><recrutement><modalite-recrutement>8</modalite-recrutement>
<nb-places>{12 + month}</nb-places></recrutement></session>"""


def action(formation: int, number: int) -> str:
    sessions = "".join(
        session(f"S{formation}-{number}-{k}", 2027 + k % 2, 1 + (formation + k) % 12)
        for k in range(SESSIONS)
    )
    return f"""<action numero="A{formation}-{number}"><rythme-formation>Temps plein, 35 h par semaine</rythme-formation>
<code-public-vise>80006</code-public-vise><code-public-vise>82045</code-public-vise>
<niveau-entree-obligatoire>0</niveau-entree-obligatoire><modalites-alternance>-</modalites-alternance>
<modalites-enseignement>{number % 3}</modalites-enseignement>
<conditions-specifiques>&lt;p&gt;Niveau CAP ou expérience &lt;b&gt;équivalente&lt;/b&gt;.&lt;/p&gt;</conditions-specifiques>
<prise-en-charge-frais-possible>1</prise-en-charge-frais-possible>
<lieu-de-formation><coordonnees><adresse><denomination>Plateau technique {number}</denomination>
<ligne>{number} rue de l'Industrie</ligne><codepostal>57600</codepostal><ville>Forbach</ville>
<code-INSEE-commune>57227</code-INSEE-commune><geolocalisation><latitude>49.18{number}</latitude>
<longitude>6.89{number}</longitude></geolocalisation></adresse></coordonnees></lieu-de-formation>
<modalites-entrees-sorties>0</modalites-entrees-sorties>{sessions}
<acces-handicapes>Locaux accessibles, référente handicap.</acces-handicapes>
<prix-total-TTC>{4000 + formation % 900},00</prix-total-TTC><nombre-heures-total>{300 + formation % 400}</nombre-heures-total>
<organisme-financeur><code-financeur>2</code-financeur></organisme-financeur>
<organisme-financeur><code-financeur>16</code-financeur></organisme-financeur></action>"""


def formation(number: int) -> str:
    organisation = number % ORGANISATIONS
    actions = "".join(action(number, k) for k in range(1, ACTIONS + 1))
    return f"""<formation numero="F{number:05d}"><domaine-formation>
<code-FORMACODE>{31000 + number % 900}</code-FORMACODE><code-NSF>250</code-NSF><code-ROME>I1304</code-ROME>
</domaine-formation><intitule-formation>Maintenance des systèmes automatisés {number}</intitule-formation>
<objectif-formation><![CDATA[<p>Diagnostiquer une panne et remettre en service un équipement.</p>]]></objectif-formation>
<resultats-attendus>Titre professionnel de niveau 4.</resultats-attendus>
<contenu-formation>&lt;ul&gt;&lt;li&gt;Automatismes&lt;/li&gt;&lt;li&gt;Électrotechnique&lt;/li&gt;&lt;/ul&gt;</contenu-formation>
<certifiante>1</certifiante><contact-formation><coordonnees><courriel>contact{organisation}@example.org</courriel>
</coordonnees></contact-formation><parcours-de-formation>1</parcours-de-formation>
<code-niveau-entree>0</code-niveau-entree><certification><code-RNCP>{35000 + number % 300}</code-RNCP></certification>
<code-niveau-sortie>14</code-niveau-sortie>{actions}
<organisme-formation-responsable numero="OF{organisation}"><numero-activite>41570000057</numero-activite>
<SIRET-organisme-formation><SIRET>{77567417900000 + organisation}</SIRET></SIRET-organisme-formation>
<nom-organisme>Centre de formation {organisation}</nom-organisme><raison-sociale>Centre {organisation}</raison-sociale>
<coordonnees-organisme><coordonnees/></coordonnees-organisme><contact-organisme><coordonnees/></contact-organisme>
</organisme-formation-responsable></formation>"""


def generate(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>\n'
        )
        for number in range(1, FORMATIONS + 1):
            out.write(formation(number))
            out.write("\n")
        out.write("</offres></lheo>\n")


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    directory = tempfile.mkdtemp(prefix="fabrique-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(directory) / 'bench.sqlite3'}")
    os.environ["FABRIQUE_VAR_DIR"] = directory
    os.environ.setdefault("FABRIQUE_MODE", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabrique.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from fabrique.trainings.importers import import_lheo
    from fabrique.trainings.lheo.reader import read_lheo_file

    call_command("migrate", verbosity=0)
    source = Path(directory) / "offre.xml"
    started = time.perf_counter()
    generate(source)
    size = source.stat().st_size
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    print(
        f"generated {FORMATIONS:,} formations, {FORMATIONS * ACTIONS * SESSIONS:,} sessions, "
        f"{size / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    document = read_lheo_file(source)
    print(
        f"read and validated       {time.perf_counter() - started:6.1f} s   "
        f"({len(document.records):,} records)"
    )
    del document
    for label in ("first wet run", "second wet run"):
        started = time.perf_counter()
        report = import_lheo([source], wet_run=True)
        elapsed = time.perf_counter() - started
        counts = ", ".join(
            f"{kind} {c.created:,}+ {c.updated:,}~ {c.unchanged:,}="
            for kind, c in report.counts.items()
        )
        print(f"{label:<24} {elapsed:6.1f} s   {counts}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS)    {peak:6.0f} MB")
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
