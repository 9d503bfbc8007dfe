// `deconflict plan check FILE... [--geojson OUT] [--now TIME] [--strict]`
// Loads agreements, zones and operations from plan files (YAML/JSON plan format or GeoJSON), files
// them in order into one registry (agreements in force, zones, then operations as planning cells would
// submit them) and prints each decision with its conflicts. A thin layer over plan::Registry.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "plan/geojson.h"
#include "plan/load.h"
#include "plan/registry.h"

namespace deconflict::cli {
namespace {

struct PlanCheckArgs {
  std::vector<std::string> files;
  std::string geojson;
  std::string now;
  bool strict = false;
};

std::string Band(const plan::Conflict& c) {
  const bool overlap = c.altitude.lo <= c.altitude.hi;
  return fmt::format("{} {:.1f}-{:.1f} m", overlap ? "altitudes" : "within the vertical buffer, gap",
                     overlap ? c.altitude.lo : c.altitude.hi, overlap ? c.altitude.hi : c.altitude.lo);
}

void PrintConflict(const plan::Conflict& c) {
  const std::string other =
      c.kind == plan::ConflictKind::kZone
          ? fmt::format("{} zone {} of {}", plan::ZoneKindName(c.zone_kind), c.other_id, c.other_party)
          : fmt::format("operation {} of {} (priority {}, {})", c.other_id, c.other_party, c.other_priority,
                        plan::OperationStateName(c.other_state));
  std::printf("  volume %d x %s volume %d: %s to %s, %s, %s [%s%s]\n", c.volume, other.c_str(), c.other_volume,
              plan::FormatIsoTime(c.time.lo).c_str(), plan::FormatIsoTime(c.time.hi).c_str(), Band(c).c_str(),
              c.horizontal_overlap ? "outlines overlap" : "within the horizontal buffer",
              c.blocking ? "blocking: " : "", c.rule.c_str());
}

int Run(const PlanCheckArgs& args) {
  std::vector<plan::PlanDocument> docs;
  std::optional<double> now;
  for (const std::string& f : args.files) {
    auto doc = plan::LoadPlanFile(f);
    if (!doc.ok()) {
      std::fprintf(stderr, "deconflict plan check: %s\n", doc.status().message().c_str());
      return doc.status().code() == ErrorCode::kIo ? kExitFailure : kExitBadInput;
    }
    if (!now && doc->now_s) now = doc->now_s;
    docs.push_back(std::move(doc).value());
  }
  if (!args.now.empty()) {
    auto t = plan::ParseIsoTime(args.now);
    if (!t.ok()) {
      std::fprintf(stderr, "deconflict plan check: --now: %s\n", t.status().message().c_str());
      return kExitUsage;
    }
    now = *t;
  }
  if (!now) {
    now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  }
  std::printf("evaluated at %s\n", plan::FormatIsoTime(*now).c_str());

  plan::Registry registry;
  // what: the object, when the message does not name it already (the registry's messages start with
  // "operation <id>: " / "zone <id>: ").
  auto bad = [](const std::string& what, const Status& s) {
    std::fprintf(stderr, "deconflict plan check: %s%s%s\n", what.c_str(), what.empty() ? "" : ": ", s.message().c_str());
    return kExitBadInput;
  };
  for (const auto& doc : docs) {
    for (const auto& a : doc.agreements) {
      auto& book = registry.agreements();
      auto latest = book.Get(a.party_a, a.party_b);
      auto v = book.Propose(a.party_a, a.party_b, a.terms,
                            latest && !latest->versions.empty() ? latest->versions.back().number : 0);
      if (!v.ok()) return bad("agreement " + a.party_a + "-" + a.party_b, v.status());
      Status s = book.Accept(a.party_b, a.party_a, *v);
      if (!s.ok()) return bad("agreement " + a.party_a + "-" + a.party_b, s);
      std::printf("agreement %s-%s: version %llu in force\n", a.party_a.c_str(), a.party_b.c_str(),
                  static_cast<unsigned long long>(*v));
    }
  }
  std::vector<plan::Zone> zones;
  for (const auto& doc : docs) {
    for (const auto& z : doc.zones) {
      auto d = registry.PutZone(z, 0, *now);
      if (!d.ok()) return bad("", d.status());
      std::printf("zone %s (%s of %s): filed\n", z.id.c_str(), plan::ZoneKindName(z.kind), z.owner.c_str());
      zones.push_back(*registry.GetZone(z.id));
    }
  }
  std::vector<plan::Operation> accepted;
  std::vector<plan::ConflictFeature> features;
  int refused = 0;
  for (const auto& doc : docs) {
    for (const auto& op : doc.operations) {
      auto d = registry.PutOperation(op, 0, *now);
      if (!d.ok()) return bad("", d.status());
      if (d->accepted) {
        std::printf("ACCEPTED %s (%s, priority %d, %s)%s\n", op.id.c_str(), op.owner.c_str(), op.priority,
                    plan::OperationStateName(op.state), d->conflicts.empty() ? "" : " with conflicts:");
        accepted.push_back(*registry.GetOperation(op.id));
      } else {
        ++refused;
        std::printf("REFUSED  %s (%s, priority %d): %s\n", op.id.c_str(), op.owner.c_str(), op.priority,
                    d->reason.c_str());
      }
      for (const auto& c : d->conflicts) {
        PrintConflict(c);
        features.push_back({op.id, op.owner, c, registry.OverlapOutline(op, c)});
      }
    }
  }
  std::printf("%zu accepted, %d refused, %zu conflicts\n", accepted.size(), refused, features.size());
  if (!args.geojson.empty()) {
    std::ofstream out(args.geojson, std::ios::binary);
    out << plan::ToGeoJson(accepted, zones, features) << "\n";
    if (!out) {
      std::fprintf(stderr, "deconflict plan check: cannot write %s\n", args.geojson.c_str());
      return kExitFailure;
    }
  }
  return args.strict && refused > 0 ? kExitFailure : kExitOk;
}

RegisterCommand kRegisterPlan([](CLI::App& app, int* exit_code) {
  auto* plan_cmd = app.add_subcommand("plan", "strategic deconfliction of operations and zones");
  plan_cmd->require_subcommand(1);
  auto args = std::make_shared<PlanCheckArgs>();
  auto* check = plan_cmd->add_subcommand(
      "check",
      "check operations against each other and against zones from plan files (YAML/JSON plan format or GeoJSON, "
      "see docs/planning.md); exit 0 when checked (1 with --strict if any operation is refused), 2 on bad input");
  check->add_option("files", args->files, "plan files, filed in order")->required()->check(CLI::ExistingFile);
  check->add_option("--geojson", args->geojson, "write accepted operations, zones and conflicts as GeoJSON");
  check->add_option("--now", args->now, "evaluation time, ISO 8601 UTC (default: the files' `now`, else the clock)");
  check->add_flag("--strict", args->strict, "exit 1 when any operation is refused");
  check->callback([args, exit_code] { *exit_code = Run(*args); });
});

}  // namespace
}  // namespace deconflict::cli
