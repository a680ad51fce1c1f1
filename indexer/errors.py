"""Named errors. The CLI prints them as one line; the bot turns them into a polite reply."""


class IsobotError(Exception):
    """Base of every error a user can act on."""


class ModelError(IsobotError):
    """The embedding model is missing, unreadable or not the one the index was built with."""


class IndexMissing(IsobotError):
    """No index has been built yet in the data folder."""


class IndexMismatch(IsobotError):
    """The index on disk was built differently (model, format) from what is asked now."""


class DocumentError(IsobotError):
    """A document could not be read (corrupt, empty, unsupported)."""
