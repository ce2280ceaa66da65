"""Many gazetteer look-ups in a few queries: the names of a file's places, the places nearest its points.

Placing a campaign's file asks the gazetteer thousands of times: the best
place of each distinct (city, country) and the nearest place to each given
point (for its time zone). A query each adds the cost of a Python call, an
SQLite statement and a sort to every look-up, so these functions send them in
chunks of ``CHUNK``, each a ``VALUES`` list of bound parameters joined with
the index, and give exactly what the one-at-a-time methods of
:class:`speakout_map.places.gazetteer.GazetteerGeocoder` give:

* :func:`best_places` ranks a name's places as ``candidates(..., limit=1)``
  does, with the same ORDER BY (a window over each asked name);
* :func:`places_in_first_boxes` returns every place in the first box that
  ``nearest`` reads around each point; the caller ranks them as ``nearest``
  does, and asks ``nearest`` itself about a point whose box is empty or too
  full, or whose nearest place may lie beyond the box.

``fetch(sql, params)`` runs a query on the index and returns its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

#: Asked names or points per query: at most 6 parameters each, under the 999 of SQLite before 3.32.
CHUNK = 150

Fetch = Callable[[str, Sequence[object]], list[tuple]]


def _chunks(items: Sequence):
    """``(position of the first, items)`` of each chunk of ``items``."""
    for start in range(0, len(items), CHUNK):
        yield start, items[start:start + CHUNK]


def best_places(
    fetch: Fetch, asked: Sequence[tuple[str, str, str]], city_columns: str, alternate_weight: float
) -> dict[int, tuple]:
    """For each (folded name, country code, admin1 code or "") of ``asked``, by position: its best place's row, if any.

    A non-empty admin1 code keeps only the places of that region.

    The ranking is ``GazetteerGeocoder.candidates``': population, an alternate
    name's weighted by ``alternate_weight``, then primary names, population and
    geonameid; ``city_columns`` are its columns (of ``cities c``).
    """
    best: dict[int, tuple] = {}
    for start, chunk in _chunks(asked):
        values = ", ".join("(?, ?, ?, ?)" for _ in chunk)
        params: list[object] = []
        for position, (key, code, admin1) in enumerate(chunk, start=start):
            params.extend((position, key, code, admin1))
        sql = (
            f"WITH asked(position, key, country_code, admin1_code) AS (VALUES {values}) "
            f"SELECT position, {_plain(city_columns)} FROM ("
            f"SELECT a.position AS position, {_named(city_columns)}, ROW_NUMBER() OVER (PARTITION BY a.position"
            " ORDER BY c.population * (CASE WHEN n.is_primary THEN 1.0 ELSE ? END) DESC,"
            " n.is_primary DESC, c.population DESC, c.geonameid) AS place_rank"
            " FROM asked a CROSS JOIN names n ON n.key = a.key AND n.country_code = a.country_code"
            " JOIN cities c ON c.geonameid = n.geonameid AND (a.admin1_code = '' OR c.admin1_code = a.admin1_code)"
            ") WHERE place_rank = 1"
        )
        params.append(alternate_weight)
        for row in fetch(sql, params):
            best[row[0]] = row[1:]
    return best


def places_in_first_boxes(
    fetch: Fetch, boxes: Sequence[tuple[float, float, float, float, str]], city_columns: str
) -> dict[int, list[tuple]]:
    """For each box (latitude low and high, longitude low and high, country code), by position: its places' rows."""
    found: dict[int, list[tuple]] = {}
    for start, chunk in _chunks(boxes):
        values = ", ".join("(?, ?, ?, ?, ?, ?)" for _ in chunk)
        params: list[object] = []
        for position, box in enumerate(chunk, start=start):
            params.append(position)
            params.extend(box)
        sql = (
            f"WITH asked(position, lat_low, lat_high, lon_low, lon_high, country_code) AS (VALUES {values}) "
            f"SELECT a.position, {city_columns} FROM asked a CROSS JOIN cities c"
            " ON c.latitude BETWEEN a.lat_low AND a.lat_high AND c.longitude BETWEEN a.lon_low AND a.lon_high"
            # Unary + keeps SQLite off the index by country: the index by position checks the longitude
            # without reading each row of a big country's latitude band (US, India, Brazil) from the table.
            " AND +c.country_code = a.country_code"
        )
        for row in fetch(sql, params):
            found.setdefault(row[0], []).append(row[1:])
    return found


def _named(city_columns: str) -> str:
    """``c.name, c.x`` as ``c.name AS name, c.x AS x`` (the inner query's columns, read by name outside)."""
    return ", ".join(f"{column} AS {column.split('.')[-1]}" for column in _columns(city_columns))


def _plain(city_columns: str) -> str:
    return ", ".join(column.split(".")[-1] for column in _columns(city_columns))


def _columns(city_columns: str) -> list[str]:
    return [column.strip() for column in city_columns.split(",")]
