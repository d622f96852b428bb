"""An OpenFeature provider over vsmctl flags (optional extra: `pip install vsmctl[openfeature]`).

    from openfeature import api
    from vsmctl.flags import Flags
    from vsmctl.flags.openfeature import VsmctlProvider
    api.set_provider(VsmctlProvider(Flags.from_workspace()))
    api.get_client().get_boolean_value("extract.vsm-s3-control", False, EvaluationContext(user_id))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openfeature.evaluation_context import EvaluationContext
from openfeature.exception import ErrorCode
from openfeature.flag_evaluation import FlagResolutionDetails, Reason
from openfeature.provider import AbstractProvider, Metadata

from vsmctl.flags.client import Flags
from vsmctl.flags.model import ERROR

_REASONS = {
    "STATIC": Reason.STATIC, "TARGETING_MATCH": Reason.TARGETING_MATCH, "SPLIT": Reason.SPLIT,
    "DISABLED": Reason.DISABLED, "DEFAULT": Reason.DEFAULT, "ERROR": Reason.ERROR,
}


class VsmctlProvider(AbstractProvider):
    def __init__(self, flags: Flags) -> None:
        self.flags = flags

    def get_metadata(self) -> Metadata:
        return Metadata(name="vsmctl")

    def get_provider_hooks(self) -> list[Any]:
        return []

    def _resolve(self, flag_key: str, default_value: Any,
                 evaluation_context: EvaluationContext | None) -> FlagResolutionDetails[Any]:
        if evaluation_context is None:
            result = self.flags.evaluate(flag_key, default_value)
        else:  # one merge of attributes and targeting key, in Flags.evaluate
            result = self.flags.evaluate(flag_key, default_value, key=evaluation_context.targeting_key,
                                         context=evaluation_context.attributes)
        if result.reason == ERROR:
            code = ErrorCode.FLAG_NOT_FOUND if "not found" in (result.error or "") else ErrorCode.TYPE_MISMATCH \
                if "default is a" in (result.error or "") else ErrorCode.GENERAL
            return FlagResolutionDetails(default_value, reason=Reason.ERROR, error_code=code,
                                         error_message=result.error)
        return FlagResolutionDetails(result.value, variant=result.variant, reason=_REASONS[result.reason])

    def resolve_boolean_details(self, flag_key: str, default_value: bool,
                                evaluation_context: EvaluationContext | None = None) -> FlagResolutionDetails[bool]:
        return self._resolve(flag_key, default_value, evaluation_context)

    def resolve_string_details(self, flag_key: str, default_value: str,
                               evaluation_context: EvaluationContext | None = None) -> FlagResolutionDetails[str]:
        return self._resolve(flag_key, default_value, evaluation_context)

    def resolve_integer_details(self, flag_key: str, default_value: int,
                                evaluation_context: EvaluationContext | None = None) -> FlagResolutionDetails[int]:
        return self._resolve(flag_key, default_value, evaluation_context)

    def resolve_float_details(self, flag_key: str, default_value: float,
                              evaluation_context: EvaluationContext | None = None) -> FlagResolutionDetails[float]:
        return self._resolve(flag_key, default_value, evaluation_context)

    def resolve_object_details(
        self, flag_key: str, default_value: Sequence[Any] | Mapping[str, Any],
        evaluation_context: EvaluationContext | None = None,
    ) -> FlagResolutionDetails[Sequence[Any] | Mapping[str, Any]]:
        return self._resolve(flag_key, default_value, evaluation_context)
