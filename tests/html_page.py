"""Read an HTML page in tests (the share pages): its elements, some texts, its meta tags."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """What a test needs from a page: its elements (tag, attributes), the text of some, the metas."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: dict[str, str] = {}
        self.style = ""
        self._open: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._open:
            tag = self._open[-1]
            if tag == "style":
                self.style += data
            self.texts[tag] = self.texts.get(tag, "") + data

    def all(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag]

    def meta(self, name: str) -> str:
        [value] = [a["content"] for a in self.all("meta") if a.get("property") == name or a.get("name") == name]
        return value

    def metas(self, name: str) -> list[str]:
        return [a["content"] for a in self.all("meta") if a.get("property") == name or a.get("name") == name]
