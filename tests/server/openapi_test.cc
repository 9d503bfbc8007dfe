// api/openapi.yaml describes exactly the routes the server answers: every route in the server's table is in
// the file, every path and method in the file is in the table, and each documented route really answers.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <regex>
#include <set>

#include "test_client.h"

namespace deconflict::testing {
namespace {

std::set<std::pair<std::string, std::string>> DocumentedRoutes() {
  YAML::Node doc = YAML::LoadFile(std::string(DECONFLICT_SOURCE_DIR) + "/api/openapi.yaml");
  std::set<std::pair<std::string, std::string>> out;
  for (const auto& path : doc["paths"])
    for (const auto& op : path.second) {
      std::string m = op.first.as<std::string>();
      if (m == "parameters" || m == "summary" || m == "description") continue;
      std::transform(m.begin(), m.end(), m.begin(), ::toupper);
      out.emplace(m, path.first.as<std::string>());
    }
  return out;
}

TEST(OpenApi, FileAndServerRoutesAreTheSame) {
  ServerProcess s(FreshDir("openapi"));
  auto table = s.Get("/v1/routes", "").json();
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& r : table["routes"]) served.emplace(r["method"], r["path"]);
  const auto documented = DocumentedRoutes();
  ASSERT_FALSE(documented.empty());
  for (const auto& r : served) EXPECT_TRUE(documented.count(r)) << r.first << " " << r.second << " is not in api/openapi.yaml";
  for (const auto& r : documented) EXPECT_TRUE(served.count(r)) << r.first << " " << r.second << " is documented but not served";
}

TEST(OpenApi, EveryDocumentedRouteAnswersAndOthersDoNot) {
  ServerProcess s(FreshDir("openapi-probe"));
  const std::string blue = s.CreateParty("blue");
  for (const auto& [method, path] : DocumentedRoutes()) {
    if (path == "/v1/stream") continue;  // a stream does not end; the stream tests cover it
    const std::string target = std::regex_replace(path, std::regex(R"(\{seq\})"), "1");
    const std::string concrete = std::regex_replace(target, std::regex(R"(\{[a-z_]+\})"), "x");
    for (const std::string& token : {blue, s.admin()}) {
      auto r = Http(s.port(), method, concrete, token, method == "GET" || method == "DELETE" ? "" : "{}");
      const std::string msg = r.json().is_object() && r.json().contains("error") ? r.json()["error"].value("message", "") : "";
      EXPECT_FALSE(r.status == 404 && msg.rfind("no route", 0) == 0) << method << " " << concrete;
      EXPECT_NE(r.status, 405) << method << " " << concrete;
    }
  }
  EXPECT_EQ(s.Get("/v1/undocumented", blue).status, 404);
  EXPECT_EQ(Http(s.port(), "PATCH", "/v1/notices", blue, "{}").status, 405);
}

}  // namespace
}  // namespace deconflict::testing
