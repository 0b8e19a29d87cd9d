"""Suggested order of the day's visits, to drive less; and the links that open maps and the phone.

Distances are great-circle (haversine) kilometres between customer coordinates: without a road
network offline, straight lines rank orders well enough for a day in one region. The order is
built nearest-neighbour from the start point (home or office), then improved with 2-opt segment
reversals, pairwise swaps and single-stop moves (or-opt) until no move shortens the route. A
day has a handful of visits, so this finds the optimum or comes very close, instantly.

The rule for what may move, kept simple so a salesperson can predict it:

- visits without coordinates cannot be placed on a map: they go last, in their planned order;
- the other visits are put in their planned order (by planned start time, then id);
- among those, a visit with a fixed appointment time keeps its position (if it was the third
  visit, it stays the third), so the number of visits before an appointment does not change;
- the rest are reordered over the remaining positions. Fixed visits without coordinates keep
  their position too and are skipped for distances (the leg runs from the last located stop).

The suggestion is never longer than the planned order: that order is a candidate too.
Times are not simulated: the suggestion orders visits, the salesperson still sets the times.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, quote_plus

from fieldsales.domain.errors import ValidationError
from fieldsales.domain.validation import normalize_phone

EARTH_RADIUS_KM = 6371.0088
MULTI_START_LIMIT = 12  # movable visits up to which every one is tried as the first stop
Point = tuple[float, float]


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance in km between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class RouteStop:
    visit_id: str
    latitude: float | None = None
    longitude: float | None = None
    planned_start: datetime | None = None
    fixed: bool = False

    @property
    def point(self) -> Point | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """The suggested order; ``legs_km[i]`` is the drive to ``order[i]`` (None when that stop or
    everything before it has no coordinates). ``planned_km`` is the planned order's distance,
    so the UI can say how much the suggestion saves. Distances include the leg to ``end``."""

    order: tuple[str, ...]
    legs_km: tuple[float | None, ...]
    total_km: float
    planned_km: float


def _route_km(
    points: Sequence[Point | None],
    start: Point | None,
    end: Point | None,
    distance: Callable[[Point, Point], float] = haversine_km,
) -> float:
    total = 0.0
    previous = start
    for p in points:
        if p is None:
            continue
        if previous is not None:
            total += distance(previous, p)
        previous = p
    if end is not None and previous is not None:
        total += distance(previous, end)
    return total


def _planned_order(stops: Sequence[RouteStop]) -> list[RouteStop]:
    return sorted(
        stops,
        key=lambda s: (s.planned_start is None, s.planned_start or datetime.min, s.visit_id),
    )


def suggest_route(
    stops: Sequence[RouteStop], *, start: Point | None = None, end: Point | None = None
) -> RoutePlan:
    """The day's visits in a suggested order (see the module docstring for the rule)."""
    planned = _planned_order(stops)
    unlocated = [s for s in planned if not s.fixed and s.point is None]
    placed = [s for s in planned if s.fixed or s.point is not None]
    movable = [s for s in placed if not s.fixed]
    slots = [i for i, s in enumerate(placed) if not s.fixed]

    cache: dict[tuple[Point, Point], float] = {}

    def distance(a: Point, b: Point) -> float:
        if (a, b) not in cache:
            cache[(a, b)] = haversine_km(a, b)
        return cache[(a, b)]

    def length(seq: Sequence[RouteStop]) -> float:
        return _route_km([s.point for s in seq], start, end, distance)

    # Local search from several starting orders: nearest neighbour begun with each movable
    # stop (cheap for a day's visits, and it gets out of most local optima; skipped for very
    # long days to stay fast) and the planned order itself, so the suggestion is never longer
    # than what was planned.
    firsts: list[RouteStop | None] = [None]
    if len(movable) <= MULTI_START_LIMIT:
        firsts += movable
    candidates = [placed] + [_nearest_neighbour(placed, movable, start, f) for f in firsts]
    sequence, best = placed, length(placed)
    for candidate in candidates:
        improved, km = _improve(candidate, slots, length)
        if km < best - 1e-9:
            sequence, best = improved, km
    final = [*sequence, *unlocated]
    return RoutePlan(
        order=tuple(s.visit_id for s in final),
        legs_km=_legs(final, start),
        total_km=round(best, 3),
        planned_km=round(_route_km([s.point for s in planned], start, end), 3),
    )


def _nearest_neighbour(
    placed: list[RouteStop],
    movable: list[RouteStop],
    start: Point | None,
    first: RouteStop | None,
) -> list[RouteStop]:
    """Fill the movable positions in order with the stop nearest to the last located point;
    ``first`` (when given) takes the first movable position."""
    sequence = list(placed)
    remaining = list(movable)
    previous = start
    for i, current in enumerate(placed):
        if not current.fixed:
            if first is not None and first in remaining:
                current = first
            elif previous is None:
                current = remaining[0]
            else:
                here = previous
                current = min(remaining, key=lambda s: (haversine_km(here, _pt(s)), s.visit_id))
            remaining.remove(current)
            sequence[i] = current
        if current.point is not None:
            previous = current.point
    return sequence


def _improve(
    sequence: list[RouteStop], slots: list[int], length: Callable[[Sequence[RouteStop]], float]
) -> tuple[list[RouteStop], float]:
    """2-opt reversals, swaps and or-opt moves until none shortens the route."""
    best = length(sequence)
    improved = True
    while improved:
        improved = False
        for a in range(len(slots)):
            for b in range(len(slots)):
                if a == b:
                    continue
                moves = [_relocated(sequence, slots, a, b)]
                if a < b:
                    moves += [_reversed(sequence, slots, a, b), _swapped(sequence, slots, a, b)]
                for candidate in moves:
                    km = length(candidate)
                    if km < best - 1e-9:
                        sequence, best, improved = candidate, km, True
    return sequence, best


def _pt(stop: RouteStop) -> Point:
    point = stop.point
    if point is None:  # pragma: no cover - only located stops are ever measured
        raise ValueError(f"visit {stop.visit_id} has no coordinates")
    return point


def _reversed(sequence: list[RouteStop], slots: list[int], a: int, b: int) -> list[RouteStop]:
    """2-opt: reverse the movable stops in slots a..b (fixed stops between them stay put)."""
    result = list(sequence)
    chosen = slots[a : b + 1]
    for slot, stop in zip(chosen, reversed([sequence[s] for s in chosen]), strict=True):
        result[slot] = stop
    return result


def _swapped(sequence: list[RouteStop], slots: list[int], a: int, b: int) -> list[RouteStop]:
    result = list(sequence)
    result[slots[a]], result[slots[b]] = sequence[slots[b]], sequence[slots[a]]
    return result


def _relocated(sequence: list[RouteStop], slots: list[int], a: int, b: int) -> list[RouteStop]:
    """Or-opt: take the movable stop in slot a out and put it in slot b, shifting the ones
    between (needed at the open ends of a route, where 2-opt cannot reach)."""
    movable = [sequence[s] for s in slots]
    movable.insert(b, movable.pop(a))
    result = list(sequence)
    for slot, stop in zip(slots, movable, strict=True):
        result[slot] = stop
    return result


def _legs(stops: Sequence[RouteStop], start: Point | None) -> tuple[float | None, ...]:
    legs: list[float | None] = []
    previous = start
    for stop in stops:
        point = stop.point
        if point is None:
            legs.append(None)
            continue
        legs.append(None if previous is None else round(haversine_km(previous, point), 3))
        previous = point
    return tuple(legs)


# --- links ------------------------------------------------------------------------------------


def maps_url(latitude: float | None, longitude: float | None, address: str = "") -> str | None:
    """A navigation link that opens the maps app on Android and iOS, and maps in a browser.

    Google's universal "dir" URL is used because a ``geo:`` URI only works on Android; the
    coordinates are the destination when known (exact, and no geocoding needed offline), else
    the address. None when there is neither, so the UI can hide the button.
    """
    if latitude is not None and longitude is not None:
        destination = f"{latitude:.6f},{longitude:.6f}"
    elif address.strip():
        destination = quote_plus(" ".join(address.split()))
    else:
        return None
    return f"https://www.google.com/maps/dir/?api=1&destination={destination}&travelmode=driving"


#: Google Maps URLs take up to 9 waypoints between origin and destination.
MAX_WAYPOINTS = 9


def route_url(points: Sequence[Point]) -> str | None:
    """One link with the whole route, in order: the maps app navigates stop after stop from
    where the phone is. Longer days are cut after ``MAX_WAYPOINTS + 1`` stops (the caller says
    so). None without points."""
    if not points:
        return None
    stops = [f"{lat:.6f},{lon:.6f}" for lat, lon in points[: MAX_WAYPOINTS + 1]]
    url = f"https://www.google.com/maps/dir/?api=1&destination={stops[-1]}&travelmode=driving"
    if len(stops) > 1:
        url += "&waypoints=" + "%7C".join(stops[:-1])
    return url


def geo_uri(latitude: float, longitude: float, label: str = "") -> str:
    """An RFC 5870 ``geo:`` URI with a pin label, for Android's app chooser."""
    point = f"{latitude:.6f},{longitude:.6f}"
    query = f"{point}({quote(label)})" if label else point
    return f"geo:{point}?q={query}"


def tel_url(phone: str | None) -> str | None:
    """``tel:+31201234567`` for a valid number (normalised to E.164 so the dialer never
    misreads it), None when there is no usable number."""
    if not phone or not phone.strip():
        return None
    try:
        return f"tel:{normalize_phone(phone)}"
    except ValidationError:
        return None
