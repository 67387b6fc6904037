"""Building NIRs (for synthetic populations and tests): key = 97 - (number mod 97), 2A/2B -> 19/18."""


def nir_key(body13: str) -> str:
    number = int(body13.upper().replace("2A", "19").replace("2B", "18"))
    return f"{97 - number % 97:02d}"


def make_nir(sex: int, year: int, month: int, department: str, commune: int, order: int) -> str:
    body = f"{sex}{year % 100:02d}{month:02d}{department}{commune:03d}{order:03d}"
    return body + nir_key(body)
