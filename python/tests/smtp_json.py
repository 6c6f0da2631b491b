"""smtp-parse's JSON Lines (SPEC section 4) from smtp package records, for
the byte-identical replay test. Same member order and string escaping as
tools/json_writer.h: well-formed UTF-8 passes through, every other octet
and every control is \\u00XX (short forms for \\n \\r \\t \\b \\f)."""
from __future__ import annotations

import smtp

_SHORT = {0x22: '\\"', 0x5C: "\\\\", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x08: "\\b", 0x0C: "\\f"}


def _char(c: str) -> str:
    o = ord(c)
    if 0xDC80 <= o <= 0xDCFF:  # an octet that is not well-formed UTF-8
        return "\\u00%02x" % (o - 0xDC00)
    if o in _SHORT:
        return _SHORT[o]
    if o < 0x20 or o == 0x7F:
        return "\\u00%02x" % o
    return c


def string(value: bytes | str) -> str:
    text = value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value
    return '"' + "".join(_char(c) for c in text) + '"'


def record_line(r: smtp.AnyRecord) -> str:
    out = ['{"ok":', "true" if r.ok else "false", ',"kind":', string(r.kind),
           ',"offset":', str(r.offset), ',"length":', str(r.length)]
    if not r.ok:
        out += [',"error":', string(r.error.name), ',"error_offset":', str(r.error_offset),
                ',"message":', string(r.message)]
    if r.deviations:
        out += [',"deviations":[', ",".join(string(d.name) for d in r.deviations), "]"]
    if isinstance(r, smtp.Command) and r.ok:
        out += [',"verb":', string(r.verb)]
        if r.host_type is not None:
            out += [',"host_type":', string(r.host_type), ',"host":', string(r.host)]
        if r.path is not None:
            params = ",".join(
                '{"keyword":%s,"value":%s}'
                % (string(p.keyword), "null" if p.value is None else string(p.value))
                for p in r.params)
            out += [',"path":', string(r.path), ',"params":[', params, "]"]
        if r.size is not None:
            out += [',"size":', str(r.size), ',"last":', "true" if r.last else "false"]
        if r.mechanism is not None:
            out += [',"mechanism":', string(r.mechanism)]
            if r.initial_response is not None:
                out += [',"initial_response":', string(r.initial_response)]
        if r.argument is not None:
            out += [',"argument":', string(r.argument)]
    elif isinstance(r, smtp.Data):
        out += [',"bytes":', str(r.bytes)]
    elif isinstance(r, smtp.Reply) and r.ok:
        out += [',"code":', str(r.code), ',"lines":[', ",".join(string(x) for x in r.lines), "]"]
        if r.enhanced is not None:
            out += [',"enhanced":', string(r.enhanced)]
        if r.domain is not None:
            caps = ",".join(
                '{"keyword":%s,"params":[%s]}'
                % (string(c.keyword), ",".join(string(p) for p in c.params))
                for c in r.capabilities)
            out += [',"domain":', string(r.domain), ',"greeting":', string(r.greeting),
                    ',"capabilities":[', caps, "]"]
    out.append("}\n")
    return "".join(out)
