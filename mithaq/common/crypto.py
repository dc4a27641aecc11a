"""National IDs and phone numbers encrypted at rest, found by a keyed hash.

    phone = EncryptedCharField(_("phone"), max_length=20, blank=True)
    phone_hash = SearchHashField(source="phone", kind=HashKind.PHONE)

`EncryptedCharField` keeps a Fernet token in its column when `MITHAQ_FIELD_KEYS` names keys
(a MultiFernet: the first key encrypts, every key decrypts, so a new key goes first and the
old ones stay until `rotate_field_keys` has rewritten every row); with no key it keeps the
value as given. An empty value stays empty either way. `max_length` is the value's, the column
is text (a token is about six times longer than a phone).

`SearchHashField` keeps HMAC-SHA256 over the normalised value (`normalise`) with the first of
`MITHAQ_SEARCH_KEYS` (with none, a key derived from SECRET_KEY). Every lookup goes through it:
`filter(phone=x)` and `filter(phone__in=[...])` on an encrypted field compare its hash column
(indexed) with the hashes of x under every search key, so the callers never build a hash and
a search key being rotated finds old and new rows alike. Any other lookup on an encrypted
field (contains, startswith, a range) cannot mean anything on ciphertext and raises; ordering
by one would sort ciphertext (nothing does).

Writes keep the hash: `Model.save()` computes it (`HashedModel` adds it to `update_fields`),
and `HashedQuerySet.update(phone=...)` writes it along. `bulk_update` does not: the rotation
command and the migrations set both themselves.

Why not a field library, and the key's rotation step by step: docs/decisions/
0012-encryption-at-rest.md and docs/deploy.md.
"""

import base64
import contextvars
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import EmptyResultSet, FieldError, ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Lookup
from django.db.models.expressions import Col

from .text import to_ascii_digits

# A Fernet token: its version byte (0x80) then a timestamp whose high bytes are zero, so it
# starts "gAAAAA", in url-safe base64, at least 100 characters. No E.164 number, national ID
# or email address looks like that.
_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_\-]{92,}={0,2}")


class FieldKeyError(ImproperlyConfigured):
    """A value cannot be read: encrypted, and no key in MITHAQ_FIELD_KEYS opens it."""


class HashKind(models.TextChoices):
    PHONE = "phone"
    NATIONAL_ID = "national_id"
    # A message's address: a phone (E.164) or an email (compared without case).
    ADDRESS = "address"


_NOT_ID = re.compile(r"[\s\-./]")


def normalise(kind: str, value: str) -> str:
    """The form a value is hashed in: a phone as stored (E.164, made by common.phones), a
    national ID in ASCII digits and capitals without spaces, dashes, dots or slashes."""
    value = (value or "").strip()
    if kind == HashKind.NATIONAL_ID:
        return _NOT_ID.sub("", to_ascii_digits(value)).upper()
    if kind == HashKind.ADDRESS and "@" in value:
        return value.casefold()
    return value


# ------------------------------------------------------------------------------ the keys


def _as_list(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise FieldKeyError(
            "MITHAQ_FIELD_KEYS: each key must be 32 url-safe base64-encoded bytes "
            "(make one with `manage.py rotate_field_keys --new-key`)."
        ) from exc


def field_keys() -> tuple[str, ...]:
    return tuple(_as_list(getattr(settings, "MITHAQ_FIELD_KEYS", ())))


def encrypting() -> bool:
    """Are new values encrypted (MITHAQ_FIELD_KEYS names a key)?"""
    return bool(field_keys())


def fernet() -> MultiFernet:
    keys = field_keys()
    if not keys:
        raise FieldKeyError("MITHAQ_FIELD_KEYS is empty: nothing can be encrypted or read.")
    return _fernet(keys)


def fernet_of(keys: list[str]) -> MultiFernet:
    """A MultiFernet of exactly these keys (the rotation check: the first key alone)."""
    return _fernet(tuple(keys))


def opens(keys: MultiFernet, token: str) -> bool:
    try:
        keys.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def new_key() -> str:
    return Fernet.generate_key().decode()


def is_token(value: str) -> bool:
    return bool(value) and _TOKEN.fullmatch(value) is not None


_CLEAR = contextvars.ContextVar("mithaq_clear_writes", default=False)


@contextmanager
def clear_writes() -> Iterator[None]:
    """Writes inside keep values in clear: only for undoing the encrypting migrations."""
    token = _CLEAR.set(True)
    try:
        yield
    finally:
        _CLEAR.reset(token)


def encrypt(value: str) -> str:
    if not value or not encrypting() or _CLEAR.get():
        return value
    return fernet().encrypt(value.encode()).decode()


def decrypt(value: str, *, where: str = "a value") -> str:
    if not is_token(value):
        return value
    if not encrypting():
        raise FieldKeyError(
            f"{where} is encrypted but MITHAQ_FIELD_KEYS is empty: set the keys it was "
            "written with (docs/deploy.md, 'Encryption keys')."
        )
    try:
        return fernet().decrypt(value.encode()).decode()
    except InvalidToken as exc:
        raise FieldKeyError(
            f"{where} cannot be decrypted with any key in MITHAQ_FIELD_KEYS: a key it was "
            "written with is missing (docs/deploy.md, 'Encryption keys')."
        ) from exc


def rotate(value: str) -> str:
    """The value encrypted with the first key (a clear value is encrypted, an empty one kept)."""
    if not value or not encrypting():
        return value
    if not is_token(value):
        return encrypt(value)
    try:
        return fernet().rotate(value.encode()).decode()
    except InvalidToken as exc:
        raise FieldKeyError(
            "a value cannot be decrypted with any key in MITHAQ_FIELD_KEYS"
        ) from exc


def search_keys() -> tuple[bytes, ...]:
    """The HMAC keys: MITHAQ_SEARCH_KEYS (first writes, all find), else one derived from
    SECRET_KEY, so that the lookups are the same code with or without encryption."""
    given = _as_list(getattr(settings, "MITHAQ_SEARCH_KEYS", ()))
    if given:
        return tuple(k.encode() for k in given)
    return (hmac.new(settings.SECRET_KEY.encode(), b"mithaq.search-hash", hashlib.sha256).digest(),)


def _hash(key: bytes, kind: str, value: str) -> str:
    text = normalise(kind, value)
    if not text:
        return ""
    # The kind is part of the message: a phone and an ID of the same digits hash apart.
    return hmac.new(key, f"{kind}\x00{text}".encode(), hashlib.sha256).hexdigest()


def search_hash(kind: str, value: str) -> str:
    """The hash written with a value (first search key); "" for an empty value."""
    return _hash(search_keys()[0], kind, value)


def search_hashes(kind: str, value: str) -> list[str]:
    """Every hash a stored value may have while a search key is being rotated."""
    return list(dict.fromkeys(_hash(k, kind, value) for k in search_keys()))


def key_fingerprint(key: str) -> str:
    """What logs and the command say of a key: never the key."""
    return base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()[:6]).decode()


# ---------------------------------------------------------------------------- the fields


class EncryptedCharField(models.CharField):
    """A CharField whose column holds a Fernet token (see the module's docstring). Its
    `max_length` checks the value; the column is text."""

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def cast_db_type(self, connection):
        return models.TextField().cast_db_type(connection)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if isinstance(value, str) else value

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt(value, where=f"{self.model._meta.label}.{self.name}")

    def hash_field(self) -> "SearchHashField":
        for f in self.model._meta.concrete_fields:
            if isinstance(f, SearchHashField) and f.source == self.name:
                return f
        raise FieldError(
            f"{self.model._meta.label}.{self.name} is encrypted and has no search hash: "
            "it cannot be filtered on."
        )


class SearchHashField(models.CharField):
    """HMAC-SHA256 (hex) of another field's normalised value, kept on every save."""

    def __init__(self, *args, source: str = "", kind: str = "", **kwargs):
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.db_index or self.unique:  # type: ignore[attr-defined]  # Django's own, not in the stubs
            # On PostgreSQL Django adds a second index for LIKE to every indexed or unique
            # varchar: one more entry per insert for a value only ever compared whole.
            errors.append(
                checks.Error(
                    "A search hash is indexed in the model's Meta (indexes, or a UniqueConstraint), "
                    "not with db_index or unique, which add an index for LIKE on PostgreSQL.",
                    obj=self,
                    id="mithaq.E002",
                )
            )
        return errors

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["kind"] = self.source, self.kind
        for key, default in (("max_length", 64), ("blank", True), ("default", "")):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = search_hash(self.kind, getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def hash_fields(model) -> dict[str, SearchHashField]:
    """The search-hash fields of a model, by the name of the field each one hashes."""
    return {f.source: f for f in model._meta.concrete_fields if isinstance(f, SearchHashField)}


def encrypted_fields(model) -> list[EncryptedCharField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


class HashedModel:
    """Mixed into a model with search hashes: `save(update_fields=[...phone...])` writes the
    phone's hash too (Django saves only the fields named)."""

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if fields is not None:
            hashed = hash_fields(type(self))
            extra = [hashed[f].name for f in fields if f in hashed]
            kwargs["update_fields"] = list(dict.fromkeys([*fields, *extra]))
        return super().save(*args, **kwargs)  # type: ignore[misc]


class HashedQuerySet(models.QuerySet):
    """`update(phone=x)` writes phone_hash along."""

    def update(self, **kwargs) -> int:
        for source, field in hash_fields(self.model).items():
            if source in kwargs:
                value = kwargs[source]
                if not isinstance(value, str):
                    raise FieldError(f"{source} is encrypted: update it with a plain value.")
                kwargs[field.name] = search_hash(field.kind, value)
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------- the lookups


class _HashedLookup(Lookup):
    """`encrypted = x` / `encrypted IN (...)` as an equality on its hash column."""

    def _hash_field(self) -> SearchHashField:
        target = getattr(self.lhs, "target", None)
        if not isinstance(self.lhs, Col) or not isinstance(target, EncryptedCharField):
            raise FieldError("An encrypted field is compared by its hash only, as a column.")
        return target.hash_field()

    def _hash_column(self, compiler, connection):
        field = self._hash_field()
        return compiler.compile(Col(self.lhs.alias, field, output_field=field))

    def _hashes(self, values: Iterable) -> list[str]:
        field = self._hash_field()
        out: list[str] = []
        for value in values:
            if not isinstance(value, str):
                raise FieldError("An encrypted field is compared with plain text values only.")
            out.extend(search_hashes(field.kind, value) if value else [""])
        return list(dict.fromkeys(out))

    def get_prep_lookup(self):
        return self.rhs

    def as_sql(self, compiler, connection):
        values = list(self.rhs) if self.lookup_name == "in" else [self.rhs]
        hashes = self._hashes(values)
        column, params = self._hash_column(compiler, connection)
        if not hashes:
            raise EmptyResultSet
        if len(hashes) == 1:
            return f"{column} = %s", (*params, hashes[0])
        marks = ", ".join(["%s"] * len(hashes))
        return f"{column} IN ({marks})", (*params, *hashes)


@EncryptedCharField.register_lookup
class HashedExact(_HashedLookup):
    lookup_name = "exact"


@EncryptedCharField.register_lookup
class HashedIn(_HashedLookup):
    lookup_name = "in"


def _refuse(name: str):
    class Refused(Lookup):
        lookup_name = name

        def as_sql(self, compiler, connection):
            raise FieldError(
                f"'{name}' on an encrypted field means nothing on its ciphertext: "
                "compare it with = or IN (its hash)."
            )

    Refused.__name__ = f"Refused_{name}"
    return Refused


for _name in (
    "iexact", "contains", "icontains", "startswith", "istartswith", "endswith",
    "iendswith", "regex", "iregex", "gt", "gte", "lt", "lte", "range",
):  # fmt: skip
    EncryptedCharField.register_lookup(_refuse(_name))


# ------------------------------------------------------------------ rewriting stored rows


def rewrite_rows(
    model,
    *,
    batch_size: int = 1000,
    after: int = 0,
    using: str = "default",
    also: Callable[[models.Model], list[str]] | None = None,
    load: Iterable[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Every row of `model` from primary key `after` on, its encrypted fields written again
    (with the first field key, or in clear inside `clear_writes()`) and its search hashes
    made again (with the first search key). One transaction per batch, in primary-key order,
    so a run stopped halfway resumes from the last key it reported (`progress(done, last_pk)`).
    `also(row)` may change other fields of the row (loaded with `load`) and names them.
    Used by the encrypting migrations (given historical models) and `rotate_field_keys`."""
    fields = [f.name for f in encrypted_fields(model)]
    hashed = hash_fields(model)
    names = [*fields, *(h.name for h in hashed.values())]
    done, last = 0, after
    while True:
        with transaction.atomic(using=using):
            rows = list(
                model._base_manager.using(using)
                .select_for_update()
                .filter(pk__gt=last)
                .order_by("pk")
                .only("pk", *fields, *load)[:batch_size]
            )
            if not rows:
                return done
            extra: list[str] = []
            for row in rows:
                for source, field in hashed.items():
                    setattr(row, field.attname, search_hash(field.kind, getattr(row, source)))
                if also is not None:
                    extra = also(row)
            model._base_manager.using(using).bulk_update(rows, [*names, *extra])
        done += len(rows)
        last = rows[-1].pk
        if progress is not None:
            progress(done, last)
