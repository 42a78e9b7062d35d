"""The static files' storage in production."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's manifest storage, each URL worked out once a process.

    The manifest is read when the process starts and never changes while it
    runs, and every page asks for the same few URLs: working one out (the
    manifest lookup, quoting, joining) anew each time cost a tenth of a
    logged-in page served from the fragment cache (README, Performance).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        if name not in self._urls:
            self._urls[name] = super().url(name)
        return self._urls[name]
