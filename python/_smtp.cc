// python/_smtp.cc: the CPython extension behind the `smtp` package, written
// with pybind11 over the C API (smtp/smtp.h) and linked with libsmtp.a.
//
// The pure-Python side (smtp/__init__.py) defines the record dataclasses
// and enums and hands them to each stream as a "types" tuple; records are
// built here directly into those frozen dataclasses (allocated with the
// type's tp_new, fields set with the generic setter, as copy/pickle do), so
// a feed() costs one call into C and no Python code per record.
//
// No exception crosses the C ABI: the record callback catches everything,
// remembers the Python error and drops later records; feed() raises it
// after the C call returns.
#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "smtp/smtp.h"

namespace py = pybind11;

namespace {

// The Python classes and constants records are built from, given by
// smtp/__init__.py as one tuple (see _TYPES there).
struct Types {
  py::object command, data, auth_response, tls, reply, param, capability;
  std::vector<py::object> errors;      // index: smtp_error_code
  std::vector<py::object> deviations;  // index: bit number
  std::vector<py::object> kinds;       // index: smtp_record_kind
  std::vector<py::object> verbs;       // index: smtp_verb
  std::vector<py::object> host_types;  // index: smtp_host_type
  std::vector<py::object> messages;    // index: smtp_error_code
  py::tuple empty_tuple;
  // Interned field names.
  py::str ok, kind, offset, length, error, error_offset, message, deviations_name;
  py::str verb, host_type, host, path, params, size, last, mechanism, initial_response, argument;
  py::str bytes, code, lines, enhanced, domain, greeting, capabilities;

  explicit Types(const py::tuple& t) {
    if (t.size() != 9) throw py::value_error("types: 9 entries expected");
    command = t[0];
    data = t[1];
    auth_response = t[2];
    tls = t[3];
    reply = t[4];
    param = t[5];
    capability = t[6];
    for (int v = 0; v <= SMTP_ERROR_LAST; ++v) {
      errors.push_back(v == 0 ? py::none() : t[7](v));  // no member for "ok"
      messages.push_back(py::str(smtp_error_message(v)));
    }
    for (int bit = 0; bit < 32; ++bit) {
      const std::uint32_t d = std::uint32_t{1} << bit;
      // Bits this module's enum does not know yet are kept as plain ints.
      py::object member = py::int_(d);
      try {
        member = t[8](d);
      } catch (py::error_already_set&) {
      }
      deviations.push_back(member);
    }
    for (int k = SMTP_RECORD_COMMAND; k <= SMTP_RECORD_REPLY; ++k) {
      kinds.push_back(py::str(smtp_record_kind_name(k)));
    }
    for (int v = SMTP_VERB_UNKNOWN; v <= SMTP_VERB_AUTH; ++v) {
      verbs.push_back(py::str(smtp_verb_name(v)));
    }
    for (int h = SMTP_HOST_DOMAIN; h <= SMTP_HOST_GENERAL; ++h) {
      host_types.push_back(py::str(smtp_host_type_name(h)));
    }
    empty_tuple = py::tuple(0);
    const auto intern = [](const char* s) {
      return py::reinterpret_steal<py::str>(PyUnicode_InternFromString(s));
    };
    ok = intern("ok");
    kind = intern("kind");
    offset = intern("offset");
    length = intern("length");
    error = intern("error");
    error_offset = intern("error_offset");
    message = intern("message");
    deviations_name = intern("deviations");
    verb = intern("verb");
    host_type = intern("host_type");
    host = intern("host");
    path = intern("path");
    params = intern("params");
    size = intern("size");
    last = intern("last");
    mechanism = intern("mechanism");
    initial_response = intern("initial_response");
    argument = intern("argument");
    bytes = intern("bytes");
    code = intern("code");
    lines = intern("lines");
    enhanced = intern("enhanced");
    domain = intern("domain");
    greeting = intern("greeting");
    capabilities = intern("capabilities");
  }
};

py::object Bytes(smtp_view v) {
  PyObject* b =
      PyBytes_FromStringAndSize(v.size == 0 ? "" : v.data, static_cast<Py_ssize_t>(v.size));
  if (b == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(b);
}

py::object Int(std::uint64_t v) {
  PyObject* i = PyLong_FromUnsignedLongLong(v);
  if (i == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(i);
}

py::object Bool(bool v) {
  return py::reinterpret_borrow<py::object>(v ? Py_True : Py_False);
}

// A frozen dataclass instance without running its __init__; every field is
// then set with Set.
py::object New(const py::object& cls, const Types& types) {
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  PyObject* obj = type->tp_new(type, types.empty_tuple.ptr(), nullptr);
  if (obj == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(obj);
}

void Set(const py::object& obj, const py::str& name, const py::object& value) {
  if (PyObject_GenericSetAttr(obj.ptr(), name.ptr(), value.ptr()) != 0) {
    throw py::error_already_set();
  }
}

py::object Record(const smtp_record& r, const Types& t) {
  py::object cls;
  switch (r.kind) {
    case SMTP_RECORD_COMMAND:
      cls = t.command;
      break;
    case SMTP_RECORD_DATA:
      cls = t.data;
      break;
    case SMTP_RECORD_AUTH_RESPONSE:
      cls = t.auth_response;
      break;
    case SMTP_RECORD_TLS:
      cls = t.tls;
      break;
    default:
      cls = t.reply;
      break;
  }
  py::object o = New(cls, t);
  const py::object none = py::none();
  const bool ok = r.ok != 0;
  Set(o, t.ok, Bool(ok));
  Set(o, t.kind, t.kinds.at(static_cast<std::size_t>(r.kind)));
  Set(o, t.offset, Int(r.offset));
  Set(o, t.length, Int(r.length));
  if (ok) {
    Set(o, t.error, none);
    Set(o, t.error_offset, none);
    Set(o, t.message, none);
  } else {
    const auto e = static_cast<std::size_t>(r.error);
    Set(o, t.error, e < t.errors.size() ? t.errors[e] : Int(e));
    Set(o, t.error_offset, Int(r.error_offset));
    Set(o, t.message, e < t.messages.size() ? t.messages[e] : py::str(smtp_error_message(r.error)));
  }
  if (r.deviations == 0) {
    Set(o, t.deviations_name, t.empty_tuple);
  } else {
    py::list devs;
    for (int bit = 0; bit < 32; ++bit) {
      if ((r.deviations >> bit) & 1u) devs.append(t.deviations[static_cast<std::size_t>(bit)]);
    }
    Set(o, t.deviations_name, py::tuple(devs));
  }

  switch (r.kind) {
    case SMTP_RECORD_COMMAND: {
      const bool helo = ok && (r.verb == SMTP_VERB_HELO || r.verb == SMTP_VERB_EHLO);
      const bool mail = ok && (r.verb == SMTP_VERB_MAIL || r.verb == SMTP_VERB_RCPT);
      const bool bdat = ok && r.verb == SMTP_VERB_BDAT;
      const bool auth = ok && r.verb == SMTP_VERB_AUTH;
      const bool arg = ok && r.has_argument &&
                       (r.verb == SMTP_VERB_VRFY || r.verb == SMTP_VERB_EXPN ||
                        r.verb == SMTP_VERB_HELP || r.verb == SMTP_VERB_NOOP);
      Set(o, t.verb, ok ? t.verbs.at(static_cast<std::size_t>(r.verb)) : none);
      Set(o, t.host_type, helo ? t.host_types.at(static_cast<std::size_t>(r.host_type)) : none);
      Set(o, t.host, helo ? Bytes(r.host) : none);
      Set(o, t.path, mail ? Bytes(r.path) : none);
      if (mail) {
        py::list params;
        smtp_iter it;
        smtp_param p;
        smtp_params_begin(&r, &it);
        while (smtp_params_next(&it, &p)) {
          params.append(t.param(Bytes(p.keyword), p.has_value ? Bytes(p.value) : none));
        }
        Set(o, t.params, py::tuple(params));
      } else {
        Set(o, t.params, none);
      }
      Set(o, t.size, bdat ? Int(r.bdat_size) : none);
      Set(o, t.last, bdat ? Bool(r.bdat_last != 0) : none);
      Set(o, t.mechanism, auth ? Bytes(r.mechanism) : none);
      Set(o, t.initial_response, auth && r.has_initial_response ? Bytes(r.initial_response) : none);
      Set(o, t.argument, arg ? Bytes(r.argument) : none);
      break;
    }
    case SMTP_RECORD_DATA:
      Set(o, t.bytes, Int(r.data_bytes));
      break;
    case SMTP_RECORD_REPLY: {
      Set(o, t.code, ok ? Int(static_cast<std::uint64_t>(r.code)) : none);
      if (ok) {
        py::tuple lines(r.line_count);
        smtp_iter it;
        smtp_view line;
        std::size_t i = 0;
        smtp_reply_lines_begin(&r, &it);
        while (i < r.line_count && smtp_reply_lines_next(&it, &line)) {
          lines[i++] = Bytes(line);
        }
        Set(o, t.lines, lines);
      } else {
        Set(o, t.lines, none);
      }
      Set(o, t.enhanced, ok && r.has_enhanced ? Bytes(r.enhanced) : none);
      const bool ehlo = ok && r.is_ehlo;
      Set(o, t.domain, ehlo ? Bytes(r.domain) : none);
      Set(o, t.greeting, ehlo ? Bytes(r.greeting) : none);
      if (ehlo) {
        py::list caps;
        smtp_iter it;
        smtp_capability cap;
        smtp_capabilities_begin(&r, &it);
        while (smtp_capabilities_next(&it, &cap)) {
          py::list words;
          smtp_iter wi;
          smtp_view w;
          smtp_words_begin(cap.params, &wi);
          while (smtp_words_next(&wi, &w))
            words.append(Bytes(w));
          caps.append(t.capability(Bytes(cap.keyword), py::tuple(words)));
        }
        Set(o, t.capabilities, py::tuple(caps));
      } else {
        Set(o, t.capabilities, none);
      }
      break;
    }
    default:
      break;
  }
  return o;
}

// Collects the records of one feed/finish call. A Python error inside the
// callback is kept (not thrown through the C library) and raised afterwards.
struct Collector {
  const Types* types;
  py::list records;
  bool failed = false;
  std::optional<py::error_already_set> error;

  static void Callback(const smtp_record* r, void* user) {
    auto* self = static_cast<Collector*>(user);
    if (self->failed) return;
    try {
      self->records.append(Record(*r, *self->types));
    } catch (py::error_already_set& e) {
      self->failed = true;
      self->error.emplace(std::move(e));
    } catch (...) {
      self->failed = true;
      PyErr_SetString(PyExc_RuntimeError, "smtp: building a record failed");
      self->error.emplace();
    }
  }
};

void Check(smtp_status status) {
  switch (status) {
    case SMTP_STATUS_OK:
      return;
    case SMTP_STATUS_NO_MEMORY:
      throw std::bad_alloc();  // pybind11: MemoryError
    case SMTP_STATUS_INVALID_ARGUMENT:
      throw py::value_error(std::string("smtp: ") + smtp_status_name(status));
    default:
      throw std::runtime_error(std::string("smtp: ") + smtp_status_name(status));
  }
}

smtp_options MakeOptions(bool lenient, bool utf8, std::size_t max_command_line,
                         std::size_t max_auth_line, std::size_t max_reply_line,
                         std::size_t max_data_line, std::size_t max_reply_lines) {
  smtp_options o;
  smtp_options_init(&o);
  o.policy = lenient ? SMTP_POLICY_LENIENT : SMTP_POLICY_STRICT;
  o.utf8 = utf8 ? 1 : 0;
  o.max_command_line = max_command_line;
  o.max_auth_line = max_auth_line;
  o.max_reply_line = max_reply_line;
  o.max_data_line = max_data_line;
  o.max_reply_lines = max_reply_lines;
  return o;
}

// The two stream handles differ only in their C functions.
template <typename Handle,
          smtp_status (*FeedFn)(Handle*, const char*, std::size_t, smtp_record_callback, void*),
          smtp_status (*FinishFn)(Handle*, smtp_record_callback, void*),
          std::uint64_t (*OffsetFn)(const Handle*), void (*FreeFn)(Handle*)>
class Stream {
 public:
  Stream(Handle* handle, std::shared_ptr<Types> types)
      : handle_(handle, FreeFn), types_(std::move(types)) {}

  py::list Feed(const py::buffer& data) {
    const py::buffer_info info = data.request();
    if (info.ndim != 1 || info.itemsize != 1) {
      throw py::type_error("feed() takes bytes or another 1-D buffer of octets");
    }
    Collector c{types_.get(), py::list(), false, std::nullopt};
    const smtp_status st = FeedFn(handle_.get(), static_cast<const char*>(info.ptr),
                                  static_cast<std::size_t>(info.size), Collector::Callback, &c);
    if (c.failed) throw std::move(*c.error);
    Check(st);
    return c.records;
  }

  py::list Finish() {
    Collector c{types_.get(), py::list(), false, std::nullopt};
    const smtp_status st = FinishFn(handle_.get(), Collector::Callback, &c);
    if (c.failed) throw std::move(*c.error);
    Check(st);
    return c.records;
  }

  [[nodiscard]] std::uint64_t offset() const { return OffsetFn(handle_.get()); }

 private:
  std::unique_ptr<Handle, void (*)(Handle*)> handle_;
  std::shared_ptr<Types> types_;
};

using CommandStream =
    Stream<smtp_command_stream, smtp_command_stream_feed, smtp_command_stream_finish,
           smtp_command_stream_offset, smtp_command_stream_free>;
using ReplyStream = Stream<smtp_reply_stream, smtp_reply_stream_feed, smtp_reply_stream_finish,
                           smtp_reply_stream_offset, smtp_reply_stream_free>;

}  // namespace

PYBIND11_MODULE(_smtp, m) {
  m.doc() = "Low-level binding of the smtp C API; use the smtp package instead.";
  m.attr("VERSION") = smtp_version();
  m.attr("ERROR_LAST") = static_cast<int>(SMTP_ERROR_LAST);
  m.def("error_name", [](int v) { return smtp_error_name(v); });
  m.def("error_message", [](int v) { return smtp_error_message(v); });
  m.def("deviation_name", [](std::uint32_t d) { return smtp_deviation_name(d); });
  m.def("make_types", [](const py::tuple& t) { return std::make_shared<Types>(t); });
  py::class_<Types, std::shared_ptr<Types>>(m, "_Types");

  py::class_<CommandStream>(m, "CommandStream")
      .def(py::init([](std::shared_ptr<Types> types, bool lenient, bool utf8, std::size_t mcl,
                       std::size_t mal, std::size_t mrl, std::size_t mdl, std::size_t mrls) {
        const smtp_options o = MakeOptions(lenient, utf8, mcl, mal, mrl, mdl, mrls);
        smtp_command_stream* h = nullptr;
        Check(smtp_command_stream_new(&o, &h));
        return new CommandStream(h, std::move(types));
      }))
      .def("feed", &CommandStream::Feed)
      .def("finish", &CommandStream::Finish)
      .def_property_readonly("offset", &CommandStream::offset);

  py::class_<ReplyStream>(m, "ReplyStream")
      .def(py::init([](std::shared_ptr<Types> types, bool ehlo, bool lenient, bool utf8,
                       std::size_t mcl, std::size_t mal, std::size_t mrl, std::size_t mdl,
                       std::size_t mrls) {
        const smtp_options o = MakeOptions(lenient, utf8, mcl, mal, mrl, mdl, mrls);
        smtp_reply_stream* h = nullptr;
        Check(smtp_reply_stream_new(&o, ehlo ? SMTP_REPLY_MODE_EHLO : SMTP_REPLY_MODE_REPLIES, &h));
        return new ReplyStream(h, std::move(types));
      }))
      .def("feed", &ReplyStream::Feed)
      .def("finish", &ReplyStream::Finish)
      .def_property_readonly("offset", &ReplyStream::offset);
}
