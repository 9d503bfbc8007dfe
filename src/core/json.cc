#include "core/json.h"

#include <fmt/format.h>

#include <utility>
#include <vector>

namespace deconflict::json {
namespace {

// Builds the DOM from SAX events with an explicit stack; tracks the path of the value being read.
class BoundedBuilder {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  BoundedBuilder(Json& root, const ParseOptions& options) : root_(root), options_(options) {}

  bool null() { return Put(Json(nullptr)); }
  bool boolean(bool v) { return Put(Json(v)); }
  bool number_integer(number_integer_t v) { return Put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) { return Put(Json(v)); }
  bool number_float(number_float_t v, const string_t&) { return Put(Json(v)); }
  bool string(string_t& v) { return Put(Json(std::move(v))); }
  bool binary(binary_t&) { return Fail("binary values are not JSON"); }
  bool start_object(std::size_t) { return Open(Json::object(), false); }
  bool start_array(std::size_t) { return Open(Json::array(), true); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(string_t& k) {
    Frame& f = frames_.back();
    if (stack_.back()->contains(k)) {
      f.key = k;
      return Fail("repeated field");
    }
    f.key = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    position_ = position;
    if (!error_.empty()) return false;  // our own stop (depth, repeat) is the error
    const std::string what = ex.what();
    if (ex.id == 406) {  // out_of_range.406: number overflow
      error_ = fmt::format("{}: a number overflows a double (largest magnitude 1.8e308) (at byte {})", CurrentPath(true),
                           position);
      path_first_ = true;
      return false;
    }
    const std::string where = CurrentPath(true);
    const std::string in = where.empty() ? "" : " (in " + where + ")";
    if (what.find("UTF-8") != std::string::npos || what.find("invalid string: ill-formed") != std::string::npos) {
      error_ = fmt::format("invalid UTF-8 at byte {}{}", position, in);
      return false;
    }
    // nlohmann: "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while parsing
    // value - invalid literal; last read: 'tru'". Keep the fixed text, never the bytes read.
    std::string reason = what;
    if (auto p = reason.find("syntax error while parsing "); p != std::string::npos) reason.erase(0, p + 27);
    if (auto p = reason.find(" - "); p != std::string::npos) reason.erase(0, p + 3);  // the parser's context
    if (auto p = reason.find("; last read:"); p != std::string::npos) reason.erase(p);
    error_ = fmt::format("malformed JSON at byte {}{}: {}", position, in, reason);
    return false;
  }

  // The error message (the text's name first unless the message starts with a field path).
  std::string Error() const {
    if (path_first_) return error_;
    return std::string(options_.what) + ": " + error_;
  }

 private:
  struct Frame {
    bool array = false;
    size_t count = 0;  // values started in this container
    std::string key;   // objects: the member being read
  };

  // The path of the value being read; `pending`: the value has not been counted yet (an error before it).
  std::string CurrentPath(bool pending) const {
    std::string out;
    for (size_t i = 0; i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      const bool top = i + 1 == frames_.size();
      if (f.array) {
        const size_t n = top && pending ? f.count : (f.count == 0 ? 0 : f.count - 1);
        out = Element(out, n);
      } else {
        if (f.key.empty() && top) break;
        out = Member(out, Echo(f.key));
      }
    }
    return out;
  }

  bool Fail(const std::string& why) {
    const std::string path = CurrentPath(false);
    path_first_ = !path.empty();
    error_ = path_first_ ? path + ": " + why : why;
    return false;
  }

  void Count() {
    if (!frames_.empty()) frames_.back().count++;
  }

  bool Put(Json v) {
    Count();
    if (stack_.empty()) {
      root_ = std::move(v);
    } else if (stack_.back()->is_array()) {
      stack_.back()->push_back(std::move(v));
    } else {
      (*stack_.back())[frames_.back().key] = std::move(v);
    }
    return true;
  }

  bool Open(Json v, bool array) {
    if (stack_.size() >= options_.max_depth) {
      Count();
      error_ = fmt::format("nested deeper than {} levels", options_.max_depth);
      depth_exceeded_ = true;
      return false;
    }
    Count();
    Json* slot;
    if (stack_.empty()) {
      root_ = std::move(v);
      slot = &root_;
    } else if (stack_.back()->is_array()) {
      stack_.back()->push_back(std::move(v));
      slot = &stack_.back()->back();
    } else {
      slot = &((*stack_.back())[frames_.back().key] = std::move(v));
    }
    stack_.push_back(slot);
    frames_.push_back(Frame{array, 0, {}});
    return true;
  }

  bool Close() {
    stack_.pop_back();
    frames_.pop_back();
    return true;
  }

 public:
  bool depth_exceeded_ = false;
  std::size_t position_ = 0;
  std::string CurrentPathForDepth() const { return CurrentPath(false); }

 private:
  Json& root_;
  const ParseOptions& options_;
  std::vector<Json*> stack_;
  std::vector<Frame> frames_;
  std::string error_;
  bool path_first_ = false;
};

}  // namespace

Result<Json> Parse(std::string_view text, ParseOptions options) {
  Json root;
  BoundedBuilder b(root, options);
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &b, Json::input_format_t::json, /*strict=*/true);
  } catch (const Json::exception& e) {
    // Not expected (the builder reports through parse_error); never let it escape.
    return Status::Invalid(fmt::format("{}: malformed JSON ({})", options.what, e.id));
  }
  if (ok) return root;
  std::string msg = b.Error();
  if (b.depth_exceeded_) {
    const std::string path = b.CurrentPathForDepth();
    msg = fmt::format("{}: nested deeper than {} levels (at {})", options.what, options.max_depth,
                      path.empty() ? "the top" : Echo(path));
  }
  return Status::Invalid(msg);
}

size_t Depth(const Json& value) {
  size_t deepest = 0;
  std::vector<std::pair<const Json*, size_t>> todo{{&value, 0}};
  while (!todo.empty()) {
    auto [v, d] = todo.back();
    todo.pop_back();
    if (!v->is_structured()) {
      deepest = std::max(deepest, d);
      continue;
    }
    deepest = std::max(deepest, d + 1);
    for (const auto& child : *v) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

std::string Member(std::string_view path, std::string_view name) {
  if (path.empty()) return std::string(name);
  std::string out(path);
  out += '.';
  out += name;
  return out;
}

std::string Element(std::string_view path, size_t index) { return fmt::format("{}[{}]", path, index); }

std::string Describe(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer: return fmt::format("number {}", v.get<int64_t>());
    case Json::value_t::number_unsigned: return fmt::format("number {}", v.get<uint64_t>());
    case Json::value_t::number_float: return fmt::format("number {}", v.get<double>());
    case Json::value_t::string: {
      const size_t n = v.get_ref<const std::string&>().size();
      return fmt::format("a string of {} byte{}", n, n == 1 ? "" : "s");
    }
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    default: return "a non-JSON value";
  }
}

std::string Echo(std::string_view text) {
  if (text.size() <= kMaxEchoBytes) return std::string(text);
  size_t n = kMaxEchoBytes;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;  // not inside a character
  return std::string(text.substr(0, n)) + "\xE2\x80\xA6";
}

}  // namespace deconflict::json
