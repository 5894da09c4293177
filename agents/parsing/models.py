"""What the parsers return: an article, its comments and the quotes inside them.

These are plain values (frozen pydantic models), independent of the event models of the
topics: the agents copy the fields they publish.
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class Quote(BaseModel):
    """A passage of an earlier comment (or of the article) quoted with "Citation: author"."""

    model_config = ConfigDict(frozen=True)

    author: str = Field(description='The name as written after "Citation:" (may be translated)')
    text: str = Field(description="The quoted passage, one line per paragraph")
    comment_id: str | None = Field(
        default=None,
        description="The earlier comment of the thread that contains the passage, if found",
    )


class Comment(BaseModel):
    """One comment of a thread, placed in the reply tree by its ordinal path ("2.1.1")."""

    model_config = ConfigDict(frozen=True)

    comment_id: str
    parent_id: str | None
    depth: int = Field(ge=1, description="1 for a top-level comment")
    author: str | None = Field(description="Display name, online marker removed")
    author_handle: str | None = Field(description="The name in parentheses on the date line")
    posted_at: AwareDatetime | None
    score: int | None
    text: str = Field(description="The reply only, quotes removed, one line per paragraph")
    quotes: tuple[Quote, ...] = ()


class Article(BaseModel):
    """The article part of a document, cleaned of boilerplate, credits and captions."""

    model_config = ConfigDict(frozen=True)

    title: str
    title_derived: bool = Field(description="True when there is no headline")
    outlet: str | None
    published: AwareDatetime | None = Field(
        description="Only an explicit publication date (a 'Publié le' line, a dateline)"
    )
    language: str = Field(description='ISO 639-1 code, or "und" when unsure')
    body: str = Field(description="Paragraphs separated by a blank line")
    headline: str | None
    credits: tuple[str, ...] = ()


class Document(BaseModel):
    """A dropped file once parsed: the article and its comment thread, in document order."""

    model_config = ConfigDict(frozen=True)

    article: Article
    comments: tuple[Comment, ...] = ()
    comment_count_declared: int | None = Field(
        default=None, description='N of "N commentaires"; None without a comment section'
    )


__all__ = ["Article", "Comment", "Document", "Quote"]
