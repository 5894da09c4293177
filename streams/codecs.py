"""One codec turns event models into bytes (orjson) and back into validated models."""

from __future__ import annotations

from typing import Any

import orjson
from faust.serializers import codecs
from pydantic import BaseModel, ValidationError

from streams.models import Malformed, dumps

__all__ = ["JsonCodec", "ModelCodec", "dumps"]


class ModelCodec(codecs.Codec):
    """Faust codec for one pydantic model; invalid input decodes to :class:`Malformed`.

    Returning a value instead of raising lets the agent turn a bad message into a
    ``newswire.rejected`` event rather than have Faust log and drop it.
    """

    def __init__(self, model: type[BaseModel], **kwargs: Any) -> None:
        super().__init__(model=model, **kwargs)
        self.model = model

    def _dumps(self, obj: Any) -> bytes:
        return dumps(obj)

    def _loads(self, s: bytes) -> BaseModel:
        try:
            return self.model.model_validate(orjson.loads(s))
        except (orjson.JSONDecodeError, ValidationError, TypeError) as exc:
            return Malformed(raw=bytes(s[:2048]), error=_short(exc))


class JsonCodec(codecs.Codec):
    """Faust codec for plain JSON table values, with orjson."""

    def _dumps(self, obj: Any) -> bytes:
        return dumps(obj)

    def _loads(self, s: bytes) -> Any:
        return orjson.loads(s)


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()
    return " ".join(line.strip() for line in text[:4])[:500]


codecs.register("orjson", JsonCodec())
