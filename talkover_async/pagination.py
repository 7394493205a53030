"""`Page` and `AsyncPaginator`: one interface over every pagination shape of the API.

Shapes handled: `pagination` with 6 keys (`current_page, last_page, per_page, total, from,
to`), `meta` (`current_page, per_page, total, last_page`), the short `pagination`
(`current_page, per_page, total`) of webhook logs, and plain arrays with no paging at all.
"""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Mapping,
)
from contextlib import aclosing
from typing import Any, Generic, TypeVar

import attrs

__all__ = ["AsyncPaginator", "Page"]

T = TypeVar("T")


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@attrs.frozen(slots=True)
class Page(Generic[T]):
    """One page of results and where it sits."""

    items: list[T]
    current_page: int = 1
    last_page: int | None = None
    per_page: int | None = None
    total: int | None = None

    @classmethod
    def from_pagination(
        cls, items: list[T], pagination: Mapping[str, Any] | None, requested_page: int = 1
    ) -> Page[T]:
        """Build a page from a `pagination`/`meta` block (or none: a single page)."""
        if pagination is None:
            return cls(items=items, current_page=requested_page, last_page=requested_page)
        current = _int(pagination.get("current_page"))
        return cls(
            items=items,
            current_page=current if current is not None else requested_page,
            last_page=_int(pagination.get("last_page")),
            per_page=_int(pagination.get("per_page")),
            total=_int(pagination.get("total")),
        )

    @property
    def has_next(self) -> bool:
        """Whether a later page exists, from whichever fields the shape carried."""
        if not self.items:
            return False
        if self.last_page is not None:
            return self.current_page < self.last_page
        if self.total is not None and self.per_page:
            return self.current_page * self.per_page < self.total
        if self.per_page:
            return len(self.items) >= self.per_page
        return False

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


class AsyncPaginator(Generic[T]):
    """A lazy list result: `await` it for the first page, `async for` it for every item,
    `.pages()` for every page. Filters given to the list method are kept on every page."""

    __slots__ = ("_fetch", "_max_pages", "_start")

    def __init__(
        self,
        fetch: Callable[[int], Awaitable[Page[T]]],
        *,
        start_page: int = 1,
        max_pages: int | None = None,
    ) -> None:
        self._fetch = fetch
        self._start = start_page
        self._max_pages = max_pages

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch(self._start).__await__()

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Every page, stopping on the last page, an empty page, or a page that does not
        advance (a server ignoring `page` must not loop forever)."""
        number = self._start
        fetched = 0
        while True:
            page = await self._fetch(number)
            fetched += 1
            if fetched > 1 and page.current_page < number:
                return  # the server answered an earlier page again: it ignores `page`
            yield page
            if not page.has_next or (self._max_pages is not None and fetched >= self._max_pages):
                return
            following = page.current_page + 1
            if following <= number:
                return
            number = following

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def _items(self) -> AsyncGenerator[T, None]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def to_list(self, limit: int | None = None) -> list[T]:
        """Collect items from every page (at most `limit`)."""
        out: list[T] = []
        async with aclosing(self._items()) as items:
            async for item in items:
                out.append(item)
                if limit is not None and len(out) >= limit:
                    break
        return out

    def __repr__(self) -> str:
        return f"<AsyncPaginator start_page={self._start}>"
