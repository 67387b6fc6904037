"""Where a person lives, as far as public statistics need it: the department (from the postal code of the
address on file) and its region. Codes and names are INSEE's (code officiel géographique); the map places
each department at its prefecture (approximate latitude and longitude, enough for a tile map)."""

import math
import re

REGIONS = {
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
}

# code: (name, region, latitude, longitude of the prefecture)
DEPARTMENTS = {
    "01": ("Ain", "84", 46.21, 5.23),
    "02": ("Aisne", "32", 49.56, 3.62),
    "03": ("Allier", "84", 46.57, 3.33),
    "04": ("Alpes-de-Haute-Provence", "93", 44.09, 6.24),
    "05": ("Hautes-Alpes", "93", 44.56, 6.08),
    "06": ("Alpes-Maritimes", "93", 43.70, 7.27),
    "07": ("Ardèche", "84", 44.74, 4.60),
    "08": ("Ardennes", "44", 49.77, 4.72),
    "09": ("Ariège", "76", 42.97, 1.61),
    "10": ("Aube", "44", 48.30, 4.08),
    "11": ("Aude", "76", 43.21, 2.35),
    "12": ("Aveyron", "76", 44.35, 2.57),
    "13": ("Bouches-du-Rhône", "93", 43.30, 5.37),
    "14": ("Calvados", "28", 49.18, -0.37),
    "15": ("Cantal", "84", 44.93, 2.44),
    "16": ("Charente", "75", 45.65, 0.16),
    "17": ("Charente-Maritime", "75", 46.16, -1.15),
    "18": ("Cher", "24", 47.08, 2.40),
    "19": ("Corrèze", "75", 45.27, 1.77),
    "2A": ("Corse-du-Sud", "94", 41.93, 8.74),
    "2B": ("Haute-Corse", "94", 42.70, 9.45),
    "21": ("Côte-d'Or", "27", 47.32, 5.04),
    "22": ("Côtes-d'Armor", "53", 48.51, -2.76),
    "23": ("Creuse", "75", 46.17, 1.87),
    "24": ("Dordogne", "75", 45.18, 0.72),
    "25": ("Doubs", "27", 47.24, 6.02),
    "26": ("Drôme", "84", 44.93, 4.89),
    "27": ("Eure", "28", 49.02, 1.15),
    "28": ("Eure-et-Loir", "24", 48.45, 1.49),
    "29": ("Finistère", "53", 48.00, -4.10),
    "30": ("Gard", "76", 43.84, 4.36),
    "31": ("Haute-Garonne", "76", 43.60, 1.44),
    "32": ("Gers", "76", 43.65, 0.59),
    "33": ("Gironde", "75", 44.84, -0.58),
    "34": ("Hérault", "76", 43.61, 3.88),
    "35": ("Ille-et-Vilaine", "53", 48.11, -1.68),
    "36": ("Indre", "24", 46.81, 1.69),
    "37": ("Indre-et-Loire", "24", 47.39, 0.69),
    "38": ("Isère", "84", 45.19, 5.72),
    "39": ("Jura", "27", 46.67, 5.55),
    "40": ("Landes", "75", 43.89, -0.50),
    "41": ("Loir-et-Cher", "24", 47.59, 1.33),
    "42": ("Loire", "84", 45.44, 4.39),
    "43": ("Haute-Loire", "84", 45.04, 3.88),
    "44": ("Loire-Atlantique", "52", 47.22, -1.55),
    "45": ("Loiret", "24", 47.90, 1.91),
    "46": ("Lot", "76", 44.45, 1.44),
    "47": ("Lot-et-Garonne", "75", 44.20, 0.62),
    "48": ("Lozère", "76", 44.52, 3.50),
    "49": ("Maine-et-Loire", "52", 47.47, -0.55),
    "50": ("Manche", "28", 49.12, -1.09),
    "51": ("Marne", "44", 48.96, 4.36),
    "52": ("Haute-Marne", "44", 48.11, 5.14),
    "53": ("Mayenne", "52", 48.07, -0.77),
    "54": ("Meurthe-et-Moselle", "44", 48.69, 6.18),
    "55": ("Meuse", "44", 48.77, 5.16),
    "56": ("Morbihan", "53", 47.66, -2.76),
    "57": ("Moselle", "44", 49.12, 6.18),
    "58": ("Nièvre", "27", 46.99, 3.16),
    "59": ("Nord", "32", 50.63, 3.06),
    "60": ("Oise", "32", 49.43, 2.08),
    "61": ("Orne", "28", 48.43, 0.09),
    "62": ("Pas-de-Calais", "32", 50.29, 2.78),
    "63": ("Puy-de-Dôme", "84", 45.78, 3.08),
    "64": ("Pyrénées-Atlantiques", "75", 43.30, -0.37),
    "65": ("Hautes-Pyrénées", "76", 43.23, 0.08),
    "66": ("Pyrénées-Orientales", "76", 42.70, 2.90),
    "67": ("Bas-Rhin", "44", 48.57, 7.75),
    "68": ("Haut-Rhin", "44", 48.08, 7.36),
    "69": ("Rhône", "84", 45.76, 4.84),
    "70": ("Haute-Saône", "27", 47.62, 6.15),
    "71": ("Saône-et-Loire", "27", 46.31, 4.83),
    "72": ("Sarthe", "52", 48.00, 0.20),
    "73": ("Savoie", "84", 45.56, 5.92),
    "74": ("Haute-Savoie", "84", 45.90, 6.13),
    "75": ("Paris", "11", 48.86, 2.35),
    "76": ("Seine-Maritime", "28", 49.44, 1.10),
    "77": ("Seine-et-Marne", "11", 48.54, 2.66),
    "78": ("Yvelines", "11", 48.80, 2.13),
    "79": ("Deux-Sèvres", "75", 46.32, -0.46),
    "80": ("Somme", "32", 49.89, 2.30),
    "81": ("Tarn", "76", 43.93, 2.15),
    "82": ("Tarn-et-Garonne", "76", 44.02, 1.35),
    "83": ("Var", "93", 43.12, 5.93),
    "84": ("Vaucluse", "93", 43.95, 4.81),
    "85": ("Vendée", "52", 46.67, -1.43),
    "86": ("Vienne", "75", 46.58, 0.34),
    "87": ("Haute-Vienne", "75", 45.83, 1.26),
    "88": ("Vosges", "44", 48.17, 6.45),
    "89": ("Yonne", "27", 47.80, 3.57),
    "90": ("Territoire de Belfort", "27", 47.64, 6.86),
    "91": ("Essonne", "11", 48.63, 2.44),
    "92": ("Hauts-de-Seine", "11", 48.89, 2.21),
    "93": ("Seine-Saint-Denis", "11", 48.91, 2.44),
    "94": ("Val-de-Marne", "11", 48.79, 2.46),
    "95": ("Val-d'Oise", "11", 49.04, 2.08),
    "971": ("Guadeloupe", "01", 16.00, -61.73),
    "972": ("Martinique", "02", 14.60, -61.07),
    "973": ("Guyane", "03", 4.94, -52.33),
    "974": ("La Réunion", "04", -20.88, 55.45),
    "976": ("Mayotte", "06", -12.78, 45.23),
}
UNKNOWN = ""
_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")


def department_of_address(address: str) -> str:
    """The department of the last postal code in an address, or UNKNOWN."""
    codes = _POSTCODE.findall(address or "")
    if not codes:
        return UNKNOWN
    code = codes[-1]
    if code.startswith("97"):
        return code[:3] if code[:3] in DEPARTMENTS else UNKNOWN
    if code.startswith("20"):
        return "2A" if code[2] in "01" else "2B"
    return code[:2] if code[:2] in DEPARTMENTS else UNKNOWN


def department_of_finess(finess: str) -> str:
    """A FINESS number starts with its department (2A/2B for Corsica, 97x overseas: 9A-9F in FINESS)."""
    finess = (finess or "").upper()
    overseas = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9F": "976"}
    if finess[:2] in overseas:
        return overseas[finess[:2]]
    return finess[:2] if finess[:2] in DEPARTMENTS else UNKNOWN


def region_of(department: str) -> str:
    entry = DEPARTMENTS.get(department)
    return entry[1] if entry else UNKNOWN


def tiles() -> dict[str, tuple[int, int]]:
    """Each metropolitan department on a grid of squares near its prefecture, no two on one square (a tile
    map: every department gets the same area, so small and dense ones stay visible)."""
    taken: dict[tuple[int, int], str] = {}
    placed: dict[str, tuple[int, int]] = {}
    metropolitan = [(code, v) for code, v in DEPARTMENTS.items() if len(code) == 2]
    # The densest place first (Paris), then outwards: the crowded centre stays compact.
    for code, (_name, _region, lat, lon) in sorted(metropolitan, key=_distance_from_paris):
        want = (round((lon + 5.0) / 0.85), round((51.2 - lat) / 0.6))
        spot = _nearest_free(want, taken)
        taken[spot] = code
        placed[code] = spot
    return placed


def _distance_from_paris(item) -> float:
    _code, (_name, _region, lat, lon) = item
    return math.hypot(lat - 48.86, (lon - 2.35) * 0.66)


def _nearest_free(want: tuple[int, int], taken: dict) -> tuple[int, int]:
    x, y = want
    for radius in range(0, 6):
        ring = [
            (x + dx, y + dy)
            for dx in range(-radius, radius + 1)
            for dy in range(-radius, radius + 1)
            if max(abs(dx), abs(dy)) == radius
        ]
        ring.sort(key=lambda p: ((p[0] - x) ** 2 + (p[1] - y) ** 2, p[1], p[0]))
        for spot in ring:
            if spot not in taken:
                return spot
    raise ValueError("no free tile")


AGE_BANDS = ("0-17", "18-29", "30-44", "45-59", "60-74", "75+")


def age_band(birth_date, on) -> str:
    return band_of_age(on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day)))


def band_of_age(age: int) -> str:
    for band in AGE_BANDS[:-1]:
        low, high = band.split("-")
        if int(low) <= age <= int(high):
            return band
    return AGE_BANDS[-1]
