// YAML plan files -> JSON values for the plan codec (codec.h), keeping the line of every value for messages.
#include <fmt/format.h>

#include <climits>
#include <vector>

#include "core/units.h"
#include "plan/load_internal.h"

namespace deconflict::plan::internal {
namespace {

constexpr size_t kMaxYamlValues = 10'000'000;

bool Plain(const YAML::Node& n) { return n.Tag() == "?"; }  // yaml-cpp: "!" for quoted scalars

// YAML 1.2 core schema resolution of a plain scalar: null, booleans, integers, floats; else a string.
Json Scalar(const YAML::Node& n) {
  const std::string& s = n.Scalar();
  if (!Plain(n)) return Json(s);
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Json(nullptr);
  if (s == "true" || s == "True" || s == "TRUE") return Json(true);
  if (s == "false" || s == "False" || s == "FALSE") return Json(false);
  const size_t digits_from = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (s.size() > digits_from && s.size() <= 18 && s.find_first_not_of("0123456789", digits_from) == std::string::npos)
    return Json(std::stoll(s));
  if (s.find_first_of("0123456789") != std::string::npos &&
      s.find_first_not_of("0123456789+-.eE") == std::string::npos)
    if (auto d = units::ParseFiniteNumber(s); d.ok()) return Json(*d);
  return Json(s);
}

}  // namespace

Result<Json> ToJson(const Ctx& ctx, const YAML::Node& root, const std::string& path, LineMap* lines) {
  struct Todo {
    YAML::Node node;
    Json* slot;
    std::string path;
    size_t depth;
  };
  Json out;
  std::vector<Todo> todo{{root, &out, path, 0}};
  size_t values = 0;
  while (!todo.empty()) {
    // Aliases can repeat a subtree many times over ("billion laughs"): bound the values made.
    if (++values > kMaxYamlValues) return Err(ctx, root, path, fmt::format("more than {} values", kMaxYamlValues));
    Todo t = std::move(todo.back());
    todo.pop_back();
    if (lines && t.node.Mark().line >= 0) (*lines)[t.path] = t.node.Mark().line + 1;
    if (t.depth > json::kMaxDepth)
      return Err(ctx, t.node, t.path, fmt::format("nested deeper than {} levels", json::kMaxDepth));
    if (!t.node.IsDefined() || t.node.IsNull()) {
      *t.slot = nullptr;
    } else if (t.node.IsScalar()) {
      *t.slot = Scalar(t.node);
    } else if (t.node.IsSequence()) {
      *t.slot = Json::array();
      t.slot->get_ref<Json::array_t&>().resize(t.node.size());
      for (size_t i = 0; i < t.node.size(); ++i)
        todo.push_back({t.node[i], &(*t.slot)[i], json::Element(t.path, i), t.depth + 1});
    } else if (t.node.IsMap()) {
      *t.slot = Json::object();
      for (const auto& kv : t.node) {
        if (!kv.first.IsScalar()) return Err(ctx, kv.first, t.path, "a key must be a plain scalar");
        const std::string key = kv.first.Scalar();
        if (t.slot->contains(key)) return Err(ctx, kv.first, json::Member(t.path, key), "repeated field");
        todo.push_back({kv.second, &((*t.slot)[key] = nullptr), json::Member(t.path, key), t.depth + 1});
      }
    }
  }
  return out;
}

Status AtLine(const Ctx& ctx, const LineMap& lines, const Status& s) {
  if (s.ok()) return s;
  const std::string& msg = s.message();
  std::string path = msg.substr(0, msg.find(": "));
  while (true) {
    if (auto it = lines.find(path); it != lines.end())
      return Status(s.code(), fmt::format("{}:{}: {}", ctx.source, it->second, msg));
    const size_t cut = path.find_last_of(".[");
    if (cut == std::string::npos || path.empty()) break;
    path.erase(cut);
  }
  if (auto it = lines.find(""); it != lines.end())
    return Status(s.code(), fmt::format("{}:{}: {}", ctx.source, it->second, msg));
  return Status(s.code(), ctx.source + ": " + msg);
}

}  // namespace deconflict::plan::internal
