"""Uploads: user images checked and normalized before they reach the model."""

from __future__ import annotations

from studio.uploads.limits import UploadLimits, UploadRejected, describe_limits
from studio.uploads.normalize import NormalizedImage, normalize_upload

__all__ = ["NormalizedImage", "UploadLimits", "UploadRejected", "describe_limits",
           "normalize_upload"]
