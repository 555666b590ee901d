"""FakeAWS: moto in server mode on loopback, plus explicit scripted answers for what moto lacks.

boto3 talks real HTTP to it (``AWS_ENDPOINT_URL``). Every request goes to moto unless a test
registered a handler for its ``Action`` (query-protocol services such as RDS): then the handler
answers instead. That is how the tests add what moto does not implement (engine-default
parameters, engine versions, log download, slow provisioning, failed switchovers, throttling)
without faking anything moto does. Every call is recorded in ``calls``, so a test can prove a
call was never made.

A handler gets the flat query parameters (``{"Filters.Filter.1.Name": ...}``) and returns a dict
that is serialised with botocore's own output shape for that operation, ``None`` to pass the
request on to moto, or :func:`aws_error` to fail it.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

import botocore.session
from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

Handler = Callable[[dict[str, str]], Any]


@dataclass
class AwsError:
    code: str
    message: str
    status: int = 400


def aws_error(code: str, message: str, status: int = 400) -> AwsError:
    return AwsError(code, message, status)


@dataclass
class Call:
    action: str
    params: dict[str, str]
    answered_by: str  # "fake" or "moto"


class FakeAWS:
    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        self.calls: list[Call] = []
        self._moto = DomainDispatcherApplication(create_backend_app)
        self._models = {}
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._lock = threading.Lock()
        self.request = threading.local()  # .region / .access_key of the request a handler is answering

    # lifecycle -----------------------------------------------------------------------------
    def start(self) -> "FakeAWS":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def reset(self) -> None:
        """Forget every handler, recorded call and all moto state."""
        import requests

        self.handlers.clear()
        self.calls.clear()
        requests.post(f"{self.url}/moto-api/reset", timeout=10)

    def on(self, action: str, handler: Handler) -> None:
        """Answer ``action`` (e.g. ``"DescribeDBEngineVersions"``) with ``handler``."""
        self.handlers[action] = handler

    def actions(self) -> list[str]:
        return [c.action for c in self.calls]

    # wsgi ----------------------------------------------------------------------------------
    def _wsgi(self, environ: dict, start_response: Callable) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        params: dict[str, str] = {}
        ctype = environ.get("CONTENT_TYPE", "")
        if ctype.startswith("application/x-www-form-urlencoded"):
            params = dict(parse_qsl(body.decode(), keep_blank_values=True))
        params.update(dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)))
        action = params.get("Action") or environ.get("HTTP_X_AMZ_TARGET", "").split(".")[-1] or environ.get("PATH_INFO", "")
        handler = self.handlers.get(action)
        self.request.region, self.request.access_key = _scope_of(environ)
        result = handler(params) if handler else None
        with self._lock:
            self.calls.append(Call(action, params, "fake" if result is not None else "moto"))
        if result is None:
            return self._moto(environ, start_response)
        if isinstance(result, AwsError):
            xml = (f"<ErrorResponse><Error><Type>Sender</Type><Code>{escape(result.code)}</Code>"
                   f"<Message>{escape(result.message)}</Message></Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>")
            start_response(f"{result.status} Error", [("Content-Type", "text/xml")])
            return [xml.encode()]
        service = _service_of(environ)
        xml = self._serialize(service, action, result)
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [xml.encode()]

    # query-protocol serialisation driven by botocore's model ---------------------------------
    def _serialize(self, service: str, action: str, data: dict) -> str:
        model = self._models.get(service)
        if model is None:
            model = self._models[service] = botocore.session.get_session().get_service_model(service)
        op = model.operation_model(action)
        ns = model.metadata.get("xmlNamespace", "")
        inner = _xml_members(op.output_shape, data) if op.output_shape else ""
        return (f'<{action}Response xmlns="{ns}"><{action}Result>{inner}</{action}Result>'
                f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></{action}Response>")


def _scope_of(environ: dict) -> tuple[str | None, str | None]:
    """(Region, access key id) from the SigV4 credential scope: a handler may answer per Region or account."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if "Credential=" not in auth:
        return None, None
    parts = auth.split("Credential=")[1].split("/")
    return (parts[2] if len(parts) > 2 else None), parts[0]


def _service_of(environ: dict) -> str:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    # Credential=AKID/20260101/us-east-1/rds/aws4_request
    if "Credential=" in auth:
        return auth.split("Credential=")[1].split("/")[3]
    return "rds"


def _xml_members(shape: Any, data: dict) -> str:
    out = []
    for name, member in shape.members.items():
        if name not in data or data[name] is None:
            continue
        tag = member.serialization.get("name", name)
        out.append(f"<{tag}>{_xml_value(member, data[name])}</{tag}>")
    return "".join(out)


def _xml_value(shape: Any, value: Any) -> str:
    if shape.type_name == "structure":
        return _xml_members(shape, value)
    if shape.type_name == "list":
        item = shape.member.serialization.get("name", "member")
        return "".join(f"<{item}>{_xml_value(shape.member, v)}</{item}>" for v in value)
    if shape.type_name == "boolean":
        return "true" if value else "false"
    if shape.type_name == "timestamp":
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return escape(str(value))
    return escape(str(value))
