"""The Files API, as far as batches use it: resumable upload, get, download, delete.

`client.files.upload` starts a session (POST /upload/v1beta/files, `X-Goog-Upload-Command:
start`), reads the session URL from the `x-goog-upload-url` header, and sends the bytes
to it (`upload, finalize`). A batch's JSONL results are a file too, read with
`client.files.download` (GET .../files/<id>:download?alt=media).
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .bodies import dumps
from .responses import JSON_TYPE, EmulatorResponse
from .wire import WireError

_UPLOAD_RE = re.compile(r"^/upload/(v1|v1beta|v1alpha)/files$")
_FILE_RE = re.compile(r"^(?:/download)?/(v1|v1beta|v1alpha)/(files/[a-z0-9-]+)(:download)?$")


@dataclass
class StoredFile:
    name: str
    display_name: str
    mime_type: str
    data: bytearray
    created: float
    size: int  # announced at the start of the upload
    done: bool = False
    generated: bool = False  # made by the service (batch results): downloadable

    def view(self) -> dict[str, Any]:
        stamp = datetime.fromtimestamp(self.created, UTC).isoformat(timespec="seconds")
        out: dict[str, Any] = {
            "name": self.name, "displayName": self.display_name, "mimeType": self.mime_type,
            "sizeBytes": str(len(self.data)), "createTime": stamp.replace("+00:00", "Z"),
            "state": "ACTIVE" if self.done else "PROCESSING",
            "source": "GENERATED" if self.generated else "UPLOADED",
            "uri": f"https://emulator.invalid/v1beta/{self.name}"}
        if self.generated:
            out["downloadUri"] = f"https://emulator.invalid/v1beta/{self.name}:download?alt=media"
        return out


class FileStore:
    """Files by name ("files/<id>"), uploaded by clients or made by finished batches."""

    def __init__(self) -> None:
        self._files: dict[str, StoredFile] = {}
        self._sessions: dict[str, str] = {}  # upload id -> file name
        self._lock = threading.Lock()

    def add(self, data: bytes, *, mime_type: str = "application/jsonl", display_name: str = "",
            prefix: str = "") -> StoredFile:
        """A finished, service-made file (a batch's results)."""
        name = f"files/{prefix}{uuid.uuid4().hex[:16]}"
        stored = StoredFile(name, display_name, mime_type, bytearray(data), time.time(),
                            len(data), done=True, generated=True)
        with self._lock:
            self._files[name] = stored
        return stored

    def content(self, name: str) -> bytes:
        stored = self._get(name)
        if not stored.done:
            raise WireError(400, f"File {name} is not uploaded completely.")
        return bytes(stored.data)

    def route(self, method: str, path: str, query: Mapping[str, str],
              headers: Mapping[str, str], body: bytes) -> EmulatorResponse | None:
        """The answer to a Files API request, or None when `path` is not one."""
        heads = {k.lower(): v for k, v in headers.items()}
        if _UPLOAD_RE.match(path) and method == "POST":
            if "upload_id" in query:
                return self._upload(query["upload_id"], heads, body)
            return self._start(heads, body)
        m = _FILE_RE.match(path)
        if not m:
            return None
        name, download = m.group(2), bool(m.group(3))
        if method == "GET" and download:
            return EmulatorResponse(200, {"content-type": "application/octet-stream"},
                                    iter([self.content(name)]), [0.0])
        if method == "GET":
            return EmulatorResponse.json(200, self._get(name).view())
        if method == "DELETE":
            with self._lock:
                if self._files.pop(name, None) is None:
                    raise WireError(404, f"File {name} was not found.")
            return EmulatorResponse.json(200, {})
        return None

    def _get(self, name: str) -> StoredFile:
        with self._lock:
            stored = self._files.get(name)
        if stored is None:
            raise WireError(404, f"File {name} was not found.")
        return stored

    def _start(self, heads: dict[str, str], body: bytes) -> EmulatorResponse:
        if heads.get("x-goog-upload-protocol") != "resumable" or \
                heads.get("x-goog-upload-command") != "start":
            raise WireError(400, "Start a resumable upload (X-Goog-Upload-Command: start).")
        try:
            meta = (json.loads(body or b"{}").get("file") or {})
        except ValueError:
            raise WireError(400, "Invalid JSON payload.") from None
        wanted = str(meta.get("name") or "")
        name = wanted if re.fullmatch(r"files/[a-z0-9-]{1,40}", wanted) else \
            f"files/{uuid.uuid4().hex[:16]}"
        size = int(heads.get("x-goog-upload-header-content-length") or 0)
        mime = heads.get("x-goog-upload-header-content-type") or str(meta.get("mimeType") or "")
        upload_id = uuid.uuid4().hex
        with self._lock:
            if name in self._files:
                raise WireError(409, f"File {name} already exists.")
            self._files[name] = StoredFile(name, str(meta.get("displayName") or ""),
                                           mime or "application/octet-stream", bytearray(),
                                           time.time(), size)
            self._sessions[upload_id] = name
        # the SDK posts the bytes to this URL as given: the host the client reached us at
        host = heads.get("host") or "emulator.invalid"
        url = f"http://{host}/upload/v1beta/files?upload_id={upload_id}"
        return EmulatorResponse(200, {"content-type": JSON_TYPE, "x-goog-upload-url": url,
                                      "x-goog-upload-status": "active"}, iter([b"{}"]), [0.0])

    def _upload(self, upload_id: str, heads: dict[str, str], body: bytes) -> EmulatorResponse:
        with self._lock:
            name = self._sessions.get(upload_id)
        if name is None:
            raise WireError(404, "No such upload session.")
        stored = self._get(name)
        command = heads.get("x-goog-upload-command", "")
        if int(heads.get("x-goog-upload-offset") or 0) != len(stored.data):
            raise WireError(400, "The upload offset does not match what was received.")
        stored.data.extend(body)
        final = "finalize" in command
        if final:
            stored.done = True
            with self._lock:
                self._sessions.pop(upload_id, None)
        return EmulatorResponse(200, {"content-type": JSON_TYPE,
                                      "x-goog-upload-status": "final" if final else "active"},
                                iter([dumps({"file": stored.view()} if final else {})]), [0.0])
