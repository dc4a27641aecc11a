"""A file's size in words: the noun agrees with the number (Django's filesizeformat wrote
"303 بايتان" in Arabic). Expected values written out by hand."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from mithaq.common.sizes import file_size
from mithaq.common.uploads import check_upload

TABLE = {
    "ar": {
        0: "0 بايت",
        1: "بايت واحد",
        2: "بايتان",
        3: "3 بايتات",
        11: "11 بايتًا",
        100: "100 بايت",
        303: "303 بايتات",
        1536: "1,5 كيلوبايت",
        10 * 1024 * 1024: "10 ميغابايت",
    },
    "en": {1: "1 byte", 2: "2 bytes", 303: "303 bytes", 1536: "1.5 KB", 3 * 1024**3: "3.0 GB"},
    "fr": {1: "1 octet", 303: "303 octets", 1536: "1,5 Ko", 10 * 1024 * 1024: "10 Mo"},
    "es": {1: "1 byte", 303: "303 bytes", 1536: "1,5 KB"},
}


@pytest.mark.parametrize("language", TABLE)
def test_sizes_agree_with_their_number(language):
    with translation.override(language):
        for size, words in TABLE[language].items():
            assert file_size(size) == words, size


def test_the_upload_limit_message_uses_it():
    with translation.override("ar"), override_settings(MITHAQ_MAX_UPLOAD_BYTES=2):
        with pytest.raises(ValidationError) as error:
            check_upload(SimpleUploadedFile("a.pdf", b"%PDF", "application/pdf"))
    assert error.value.messages == ["حجم الملف «a.pdf» يتجاوز بايتان."]
