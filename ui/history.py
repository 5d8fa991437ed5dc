"""Back and forward through the codes opened in this window (a browser's history)."""

from __future__ import annotations


class History:
    def __init__(self, limit: int = 200):
        self._items: list[str] = []
        self._index = -1
        self.limit = limit

    @property
    def current(self) -> str | None:
        return self._items[self._index] if self._index >= 0 else None

    def visit(self, code: str) -> None:
        """Opening a code drops whatever was ahead, as in a browser."""
        if self.current == code:
            return
        del self._items[self._index + 1:]
        self._items.append(code)
        if len(self._items) > self.limit:
            del self._items[0]
        self._index = len(self._items) - 1

    def can_back(self) -> bool:
        return self._index > 0

    def can_forward(self) -> bool:
        return self._index < len(self._items) - 1

    def back(self) -> str | None:
        if self.can_back():
            self._index -= 1
        return self.current

    def forward(self) -> str | None:
        if self.can_forward():
            self._index += 1
        return self.current

    def items(self) -> list[str]:
        return list(self._items)
