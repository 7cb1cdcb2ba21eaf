"""Given names and surnames for the synthetic people of the demo world.

Common names in eastern France, with the flavours of each area: German-origin surnames in
Moselle-Est and around Nancy, Franc-Comtois ones around Besançon, and the Italian, Polish,
Turkish and Maghrebi names of families who came for the mines and the factories. Every
person of the demo is an invented combination of these.
"""

import random

# fmt: off
FIRST_NAMES_FEMALE = (
    "Adèle", "Agathe", "Aïcha", "Alice", "Amandine", "Ambre", "Amélie", "Anaïs", "Angélique",
    "Anne", "Aurélie", "Ayşe", "Camille", "Caroline", "Céline", "Chloé", "Christine", "Claire",
    "Clara", "Coralie", "Elif", "Élise", "Elsa", "Emma", "Estelle", "Eva", "Fatima", "Florence",
    "Gaëlle", "Hélène", "Inès", "Isabelle", "Jade", "Jeanne", "Julie", "Juliette", "Justine",
    "Karima", "Laetitia", "Laura", "Léa", "Léna", "Lina", "Louise", "Lucie", "Manon", "Margaux",
    "Marie", "Marine", "Mathilde", "Mélanie", "Myriam", "Nadia", "Nathalie", "Noémie", "Océane",
    "Pauline", "Rose", "Sabrina", "Samia", "Sandrine", "Sarah", "Séverine", "Sophie", "Stéphanie",
    "Sylvie", "Valérie", "Virginie", "Yasmine", "Zoé",
)

FIRST_NAMES_MALE = (
    "Adam", "Adrien", "Alexandre", "Ali", "Antoine", "Arnaud", "Arthur", "Baptiste", "Benjamin",
    "Bruno", "Cédric", "Christophe", "Clément", "Damien", "David", "Dylan", "Emre", "Enzo",
    "Éric", "Fabien", "Florian", "Franck", "Gabriel", "Grégory", "Guillaume", "Hugo", "Jérôme",
    "Jonathan", "Julien", "Karim", "Kevin", "Laurent", "Léo", "Loïc", "Louis", "Lucas", "Maël",
    "Marc", "Mathieu", "Mathis", "Maxime", "Mehdi", "Mohamed", "Nathan", "Nicolas", "Olivier",
    "Patrick", "Paul", "Philippe", "Pierre", "Quentin", "Rayan", "Romain", "Samuel", "Sébastien",
    "Stéphane", "Sylvain", "Théo", "Thomas", "Tom", "Valentin", "Vincent", "Yanis", "Yannick",
    "Yusuf", "Thierry", "Frédéric", "Jordan", "Anthony", "Mickaël",
)

# Surnames heard everywhere in France.
SURNAMES_COMMON = (
    "Bernard", "Bertrand", "Blanc", "Bonnet", "Boyer", "Chevalier", "Clément", "David",
    "Dubois", "Dufour", "Dumont", "Durand", "Fontaine", "Fournier", "Garnier", "Gauthier",
    "Girard", "Guerin", "Lambert", "Laurent", "Lefebvre", "Legrand", "Leroy", "Martin",
    "Mercier", "Michel", "Moreau", "Morel", "Perrin", "Petit", "Richard", "Robert", "Robin",
    "Rousseau", "Roux", "Simon", "Thomas", "Vincent",
)

# Surnames of Lorraine and of Moselle-Est (Francique area).
SURNAMES_LORRAINE = (
    "Adam", "Antoine", "Becker", "Colin", "Didier", "François", "Gérard", "Grosjean", "Hoffmann",
    "Jacob", "Jacquemin", "Keller", "Kieffer", "Klein", "Kremer", "Lang", "Mangin", "Marchal",
    "Mathieu", "Meyer", "Muller", "Nicolas", "Petitjean", "Pierron", "Schaeffer", "Schmitt",
    "Schneider", "Schwartz", "Stoffel", "Thiel", "Wagner", "Weber", "Weiss", "Zimmermann",
    "Fischer", "Hirtz", "Houpert", "Jung", "Kaiser", "Wolff",
)

# Surnames of Franche-Comté.
SURNAMES_COMTE = (
    "Barthelet", "Besson", "Billot", "Bourgeois", "Cuenot", "Faivre", "Febvre", "Girardot",
    "Grandjean", "Guyon", "Jacquot", "Jeannin", "Jouffroy", "Mairot", "Marguet", "Monnier",
    "Mougin", "Perrot", "Pourcelot", "Poulet", "Roy", "Tissot", "Vuillemin", "Vuillaume",
    "Vernier", "Cretin", "Chopard", "Bouveret", "Droz", "Jeunet",
)

# Families who came for the coal mines, the steel works and the factories.
SURNAMES_MIGRATION = (
    "Rossi", "Bianchi", "Ferrari", "Romano", "Colombo", "De Luca", "Marino", "Russo",
    "Kowalski", "Nowak", "Wiśniewski", "Lewandowski", "Zielinski", "Yilmaz", "Kaya", "Demir",
    "Şahin", "Çelik", "Benali", "Haddad", "Mansouri", "Bouzid", "Cherif", "Amrani", "Benmoussa",
    "Da Silva", "Pereira", "Ferreira", "Gonçalves", "Garcia", "Martinez", "Lopez",
)
# fmt: on

# Surname pools per area, with their weights.
SURNAME_POOLS = {
    "lorraine": ((SURNAMES_LORRAINE, 5), (SURNAMES_COMMON, 3), (SURNAMES_MIGRATION, 3)),
    "comte": ((SURNAMES_COMTE, 5), (SURNAMES_COMMON, 4), (SURNAMES_MIGRATION, 2)),
}


def pick_name(rng: random.Random, pool: str, *, woman: bool) -> tuple[str, str]:
    """A (given name, surname) pair drawn from the names of an area."""
    first = rng.choice(FIRST_NAMES_FEMALE if woman else FIRST_NAMES_MALE)
    groups, weights = zip(*SURNAME_POOLS[pool], strict=True)
    return first, rng.choice(rng.choices(groups, weights=weights)[0])
