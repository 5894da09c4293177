"""Parse a whole dropped file: the article, then its comment thread."""

from __future__ import annotations

from agents.parsing.article import ArticleRules, parse_article
from agents.parsing.comments import parse_comments, split_comment_section
from agents.parsing.models import Document
from agents.parsing.text import strip_bom


def parse_document(text: str, *, rules: ArticleRules | None = None) -> Document:
    """Parse a decoded file into a Document; never raises on odd text.

    A leading BOM and any line ends (CRLF, lone CR) are accepted. Empty or blank text
    gives an Article with an empty title and body and no comments: whether to reject it
    is for the caller to decide. rules replaces the packaged boilerplate/credit rules.
    """
    text = strip_bom(text)
    article_part, section, declared = split_comment_section(text)
    article = parse_article(article_part, rules=rules)
    comments = parse_comments(section, article_text=article.body) if section is not None else ()
    return Document(article=article, comments=comments, comment_count_declared=declared)
