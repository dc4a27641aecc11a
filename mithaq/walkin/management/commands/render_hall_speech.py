"""Render the hall display's chime and spoken-call clips into static files (needs espeak-ng).

The files are shipped with Mithaq, so a hall with no internet and a display browser with
no Arabic voice still hears "الرقم A17، الشباك ٣". Run again after changing the words.
"""

import array
import math
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mithaq.walkin.display import speech

STATIC = Path(__file__).resolve().parents[2] / "static" / "walkin"
VOICES = {"ar": "ar", "en": "en-gb"}
# Words per minute: slower than espeak-ng's 175, for a hall full of people.
SPEED = {"ar": "140", "en": "150"}
RATE = 11025  # speech needs no more; it keeps the files small
SILENCE = 400  # amplitude under which a sample counts as silence (of 32767)


def _read(path: Path) -> tuple[array.array, int]:
    with wave.open(str(path)) as wav:
        assert wav.getsampwidth() == 2 and wav.getnchannels() == 1  # noqa: S101
        samples = array.array("h", wav.readframes(wav.getnframes()))
        return samples, wav.getframerate()


def _write(path: Path, samples: array.array, rate: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())


def _trim(samples: array.array, rate: int) -> array.array:
    """Drop the silence espeak-ng puts around a word, keeping 20 ms either side."""
    loud = [i for i, s in enumerate(samples) if abs(s) > SILENCE]
    if not loud:
        return samples
    pad = rate // 50
    return samples[max(0, loud[0] - pad) : loud[-1] + pad]


def _halve(samples: array.array) -> array.array:
    # 22,050 Hz to 11,025 Hz; averaging each pair is the low-pass filter.
    return array.array(
        "h", ((a + b) // 2 for a, b in zip(samples[::2], samples[1::2], strict=False))
    )


def chime(rate: int = 22050) -> array.array:
    """A two-note "ding-dong" (E5 then C5) with soft harmonics and a bell-like decay."""
    notes = [(659.25, 0.0), (523.25, 0.45)]
    length = int(rate * 1.6)
    out = [0.0] * length
    for freq, start in notes:
        first = int(start * rate)
        for i in range(length - first):
            t = i / rate
            envelope = math.exp(-3.2 * t) * min(1.0, t / 0.005)
            tone = (
                math.sin(2 * math.pi * freq * t)
                + 0.35 * math.sin(2 * math.pi * 2 * freq * t)
                + 0.12 * math.sin(2 * math.pi * 3 * freq * t)
            )
            out[first + i] += envelope * tone
    peak = max(abs(v) for v in out)
    return array.array("h", (int(v / peak * 0.6 * 32767) for v in out))


class Command(BaseCommand):
    help = "Render the hall display's chime and spoken-call clips (Arabic and English)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=STATIC)
        parser.add_argument("--chime-only", action="store_true")

    def handle(self, *, output: Path, chime_only: bool, **options):
        _write(output / "chime.wav", chime(), 22050)
        self.stdout.write(f"chime -> {output / 'chime.wav'}")
        if chime_only:
            return
        espeak = shutil.which("espeak-ng")
        if espeak is None:
            raise CommandError("espeak-ng is not installed (apt-get install espeak-ng)")
        total = 0
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "clip.wav"
            for language in speech.LANGUAGES:
                for name, text in speech.clip_texts(language).items():
                    subprocess.run(  # noqa: S603 - espeak-ng with our own words
                        [espeak, "-v", VOICES[language], "-s", SPEED[language], "-w", raw, text],
                        check=True,
                        capture_output=True,
                    )
                    samples, rate = _read(raw)
                    samples = _trim(samples, rate)
                    if rate == 2 * RATE:
                        samples, rate = _halve(samples), RATE
                    target = output / "speech" / language / f"{name}.wav"
                    _write(target, samples, rate)
                    total += target.stat().st_size
                self.stdout.write(f"{language}: {len(speech.clip_texts(language))} clips")
        self.stdout.write(f"speech: {total // 1024} KiB in {output / 'speech'}")
