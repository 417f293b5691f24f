"""Typed errors: callers (the HTTP API, the batch runner) map each to a stable code."""


class QuietpageError(Exception):
    """Base class; `code` is stable and machine-readable, the message is for people."""

    code = "quietpage_error"
    status = 422

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


class EmptyInput(QuietpageError):
    code = "empty_input"


class InputTooLarge(QuietpageError):
    code = "input_too_large"
    status = 413


class NotHTML(QuietpageError):
    code = "not_html"


class RuleError(QuietpageError):
    """A rule file is malformed or a rule's own examples fail."""

    code = "rule_error"
    status = 400


class OptionsError(QuietpageError):
    code = "invalid_options"
    status = 400
