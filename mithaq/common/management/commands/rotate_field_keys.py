"""Re-encrypt every national ID and phone with the first of MITHAQ_FIELD_KEYS and make every
search hash again with the first of MITHAQ_SEARCH_KEYS (docs/deploy.md, "Encryption keys").

    manage.py rotate_field_keys --new-key           print a new key, change nothing
    manage.py rotate_field_keys                     rewrite every row, in batches
    manage.py rotate_field_keys --check             count what the first keys alone cannot read
    manage.py rotate_field_keys --model cases.Case --after 51234   resume where a run stopped

Every model with an encrypted field (mithaq.common.crypto) is rewritten in primary-key order,
one transaction per batch: a run stopped halfway loses nothing, and running it again (or from
the last key it printed) finishes the work. Until it has finished, keep the old keys listed
after the new ones: they still open the rows not yet rewritten.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db.models import F, TextField
from django.db.models.functions import Cast

from mithaq.common import crypto


def encrypted_models() -> list:
    return [m for m in apps.get_models() if crypto.encrypted_fields(m)]


class Command(BaseCommand):
    help = "Re-encrypt national IDs and phones with the first key; remake their search hashes."

    def add_arguments(self, parser):
        parser.add_argument("--new-key", action="store_true", help="Print a new key and stop.")
        parser.add_argument("--check", action="store_true", help="Count, change nothing.")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--model", help="Only this model (app_label.Model).")
        parser.add_argument("--after", type=int, default=0, help="Start after this key.")

    def handle(self, *args, **options):
        if options["new_key"]:
            self.stdout.write(crypto.new_key())
            return
        if not crypto.encrypting():
            raise CommandError("MITHAQ_FIELD_KEYS is empty: there is no key to encrypt with.")
        models = encrypted_models()
        if options["model"]:
            try:
                models = [apps.get_model(options["model"])]
            except (LookupError, ValueError) as exc:
                raise CommandError(f"No model {options['model']}.") from exc
            if not crypto.encrypted_fields(models[0]):
                raise CommandError(f"{options['model']} has no encrypted field.")
        elif options["after"]:
            raise CommandError("--after needs --model: a key means something in one table.")
        if options["check"]:
            self._check(models)
            return
        first = crypto.field_keys()[0]
        self.stdout.write(f"Encrypting with key {crypto.key_fingerprint(first)}.")
        for model in models:
            label = model._meta.label

            def progress(done: int, last: int, label: str = label) -> None:
                self.stdout.write(f"{label}: {done} rows, up to id {last}")

            total = crypto.rewrite_rows(
                model, batch_size=options["batch_size"], after=options["after"], progress=progress
            )
            self.stdout.write(self.style.SUCCESS(f"{label}: {total} rows rewritten."))

    def _check(self, models) -> None:
        """Rows the first field key alone cannot open, and hashes not made with the first
        search key: what must be 0 before an old key is removed."""
        first_only = crypto.fernet_of([crypto.field_keys()[0]])
        stale = 0
        for model in models:
            fields = crypto.encrypted_fields(model)
            hashed = crypto.hash_fields(model)
            names = [f.name for f in fields]
            raw = {f"raw_{n}": Cast(F(n), output_field=TextField()) for n in names}
            rows = model._base_manager.annotate(**raw).values_list(
                *raw, *names, *(h.name for h in hashed.values())
            )
            old_key = old_hash = clear = 0
            for row in rows.iterator(chunk_size=2000):
                raws, values, hashes = (
                    row[: len(names)],
                    row[len(names) : 2 * len(names)],
                    row[2 * len(names) :],
                )
                for value in raws:
                    if value and not crypto.is_token(value):
                        clear += 1
                    elif value and not crypto.opens(first_only, value):
                        old_key += 1
                by_source = dict(zip(names, values, strict=True))
                for field, stored in zip(hashed.values(), hashes, strict=True):
                    if stored != crypto.search_hash(field.kind, by_source[field.source]):
                        old_hash += 1
            stale += old_key + old_hash + clear
            self.stdout.write(
                f"{model._meta.label}: {clear} in clear, {old_key} under an older key, "
                f"{old_hash} hashes by an older search key"
            )
        if stale:
            raise CommandError(f"{stale} values still need rotate_field_keys.")
        self.stdout.write(self.style.SUCCESS("Every value is under the first keys."))
