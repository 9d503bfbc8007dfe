#include "server/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/units.h"
#include "server/tokens.h"

namespace deconflict::server {
namespace {

using units::Dimension;

// Walks a YAML map, refusing unknown keys and naming each key by its path in errors.
class Section {
 public:
  Section(const YAML::Node& node, std::string path, Status* status) : node_(node), path_(std::move(path)), st_(status) {
    if (node_ && !node_.IsMap()) Fail(path_.empty() ? "top level" : path_, "expected a mapping");
  }
  void Fail(const std::string& key, const std::string& why) {
    if (st_->ok()) *st_ = Status::Invalid(key + ": " + why);
  }
  std::string Key(const char* k) const { return path_.empty() ? k : path_ + "." + k; }
  YAML::Node Get(const char* k) {
    known_.insert(k);
    if (!node_ || !node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
    return node_[k];
  }
  void Str(const char* k, std::string* out) {
    auto n = Get(k);
    if (!n) return;
    if (!n.IsScalar()) return Fail(Key(k), "expected a string");
    *out = n.as<std::string>();
  }
  void Quantity(const char* k, Dimension dim, double* out, double lo, double hi) {
    auto n = Get(k);
    if (!n) return;
    if (!n.IsScalar()) return Fail(Key(k), "expected a quantity such as 5nm or 300s");
    auto v = units::ParseQuantity(n.as<std::string>(), dim);
    if (!v.ok()) return Fail(Key(k), v.status().message());
    if (!(*v >= lo && *v <= hi)) return Fail(Key(k), "out of range");
    *out = *v;
  }
  template <typename T>
  void Number(const char* k, T* out, double lo, double hi) {
    auto n = Get(k);
    if (!n) return;
    try {
      const double v = n.as<double>();
      if (!(v >= lo && v <= hi)) return Fail(Key(k), "out of range");
      *out = static_cast<T>(v);
    } catch (const YAML::Exception&) {
      Fail(Key(k), "expected a number");
    }
  }
  // An integer in [lo, hi]; the error names the range.
  void Integer(const char* k, long long* out, long long lo, long long hi) {
    auto n = Get(k);
    if (!n) return;
    long long v = 0;
    try {
      v = n.as<long long>();
    } catch (const YAML::Exception&) {
      return Fail(Key(k), "expected an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
    }
    if (v < lo || v > hi)
      return Fail(Key(k), std::to_string(v) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
    *out = v;
  }
  void Bool(const char* k, bool* out) {
    auto n = Get(k);
    if (!n) return;
    try {
      *out = n.as<bool>();
    } catch (const YAML::Exception&) {
      Fail(Key(k), "expected true or false");
    }
  }
  void Finish() {
    if (!node_ || !node_.IsMap()) return;
    for (const auto& kv : node_) {
      const std::string k = kv.first.as<std::string>();
      if (!known_.count(k)) Fail(Key(k.c_str()), "unknown key");
    }
  }

 private:
  YAML::Node node_;
  std::string path_;
  Status* st_;
  std::set<std::string> known_;
};

}  // namespace

Status CheckWriteThreads(const std::string& what, long long n) {
  if (n >= kMinWriteThreads && n <= kMaxWriteThreads) return Status::Ok();
  return Status::Invalid(what + ": " + std::to_string(n) + " is out of range " + std::to_string(kMinWriteThreads) +
                         ".." + std::to_string(kMaxWriteThreads));
}

Status ParseListen(const std::string& text, HttpOptions* http) {
  std::string host, port;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return Status::Invalid("listen \"" + text + "\": expected [address]:port");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const size_t colon = text.rfind(':');
    if (colon == std::string::npos) return Status::Invalid("listen \"" + text + "\": expected address:port");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)
    return Status::Invalid("listen \"" + text + "\": expected address:port with a port in 0..65535");
  if (host == "localhost") host = "127.0.0.1";
  http->address = host;
  http->port = static_cast<uint16_t>(std::stoi(port));
  return Status::Ok();
}

Status LoadServeConfig(const std::string& path, ServeConfig* c) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Status::Io(path + ": cannot read the configuration file");
  } catch (const YAML::Exception& e) {
    return Status::Invalid(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  Status st;
  Section top(root, "", &st);
  std::string listen;
  top.Str("listen", &listen);
  if (!listen.empty() && st.ok()) st = ParseListen(listen, &c->http);
  top.Number("threads", &c->http.threads, 1, 64);
  top.Str("admin_token", &c->admin_token);
  top.Str("log_level", &c->log_level);
  top.Bool("durable", &c->durable);
  {
    long long n = c->service.write_threads;
    top.Integer("write_threads", &n, kMinWriteThreads, kMaxWriteThreads);
    c->service.write_threads = static_cast<int>(n);
  }
  {
    Section w(top.Get("stream"), "stream", &st);
    long long events = static_cast<long long>(c->stream.max_events), bytes = static_cast<long long>(c->stream.max_bytes);
    w.Integer("window_events", &events, 1, 100000000);
    w.Integer("window_bytes", &bytes, 1024, 1LL << 40);
    c->stream.max_events = static_cast<size_t>(events);
    c->stream.max_bytes = static_cast<size_t>(bytes);
    w.Finish();
  }
  {
    Section tls(top.Get("tls"), "tls", &st);
    tls.Str("cert", &c->http.tls_cert_file);
    tls.Str("key", &c->http.tls_key_file);
    tls.Finish();
  }
  {
    Section d(top.Get("detection"), "detection", &st);
    auto& o = c->service;
    d.Quantity("period", Dimension::kTime, &o.detection_period_s, 0.05, 60);
    d.Quantity("horizontal", Dimension::kLength, &o.detector.minima.horizontal_m, 1, 1e6);
    d.Quantity("vertical", Dimension::kLength, &o.detector.minima.vertical_m, 1, 1e5);
    d.Quantity("lookahead", Dimension::kTime, &o.detector.minima.lookahead_s, 1, 3600);
    d.Quantity("vertical_tolerance", Dimension::kLength, &o.detector.vertical_tolerance_m, 0, 1000);
    d.Quantity("caution_lookahead", Dimension::kTime, &o.alerting.caution_lookahead_s, 1, 3600);
    d.Quantity("warning_lookahead", Dimension::kTime, &o.alerting.warning_lookahead_s, 1, 3600);
    d.Quantity("hysteresis", Dimension::kTime, &o.alerting.hysteresis_s, 0, 600);
    d.Quantity("persistence", Dimension::kTime, &o.alerting.persistence_s, 0, 600);
    long long m = o.alerting.alerting_m, n = o.alerting.alerting_n;
    d.Integer("alerting_m", &m, 1, detect::kMaxAlertingN);
    d.Integer("alerting_n", &n, 1, detect::kMaxAlertingN);
    o.alerting.alerting_m = static_cast<int>(m);
    o.alerting.alerting_n = static_cast<int>(n);
    d.Quantity("episode_gap", Dimension::kTime, &o.alerting.episode_gap_s, 0, 86400);
    if (Status v = detect::ValidateAlertingOptions(o.alerting); !v.ok()) d.Fail("detection", v.message());
    d.Finish();
  }
  {
    // Resolution guidance in separation alerts (docs/service.md, docs/detection.md section 11).
    Section g(top.Get("guidance"), "guidance", &st);
    auto& o = c->service.guidance;
    g.Bool("enabled", &o.enabled);
    g.Str("conf", &o.conf_path);
    g.Bool("alert_minima", &o.alert_minima);
    g.Bool("coordination", &o.coordination);
    g.Bool("last_time_to_maneuver", &o.last_time_to_maneuver);
    g.Quantity("cycle_budget", Dimension::kTime, &o.cycle_budget_s, 1e-3, 60);
    g.Finish();
    if (st.ok() && !o.conf_path.empty()) {
      if (Status v = LoadGuidanceConf(&o); !v.ok()) st = v;
    }
  }
  {
    Section t(top.Get("tracks"), "tracks", &st);
    t.Quantity("stale_after", Dimension::kTime, &c->service.track_stale_s, 1, 3600);
    t.Number("max_batch", &c->service.max_tracks_per_batch, 1, 1e6);
    t.Finish();
  }
  {
    Section l(top.Get("limits"), "limits", &st);
    l.Number("body_bytes", &c->api.body_limit_bytes, 1024, 1 << 30);
    l.Number("rate_per_s", &c->api.rate.rate_per_s, 0, 1e7);
    l.Number("burst", &c->api.rate.burst, 1, 1e7);
    // Connections (docs/service.md "Limits against hostile clients").
    long long total = c->http.max_connections, per_client = c->http.max_connections_per_client;
    l.Integer("connections", &total, 1, 1000000);
    l.Integer("connections_per_client", &per_client, 1, 1000000);
    c->http.max_connections = static_cast<int>(total);
    c->http.max_connections_per_client = static_cast<int>(per_client);
    l.Quantity("idle_timeout", Dimension::kTime, &c->http.idle_timeout_s, 0.05, 86400);
    l.Quantity("header_timeout", Dimension::kTime, &c->http.header_timeout_s, 0.05, 3600);
    l.Quantity("body_timeout", Dimension::kTime, &c->http.body_timeout_s, 0.05, 3600);
    l.Number("header_bytes", &c->http.header_limit_bytes, 1024, 1 << 20);
    l.Finish();
  }
  {
    Section ch(top.Get("channel"), "channel", &st);
    ch.Quantity("ack_deadline", Dimension::kTime, &c->service.default_policy.ack_deadline_s, 0.1, 86400 * 7);
    auto steps = ch.Get("escalation");
    if (steps) {
      if (!steps.IsSequence()) {
        ch.Fail("channel.escalation", "expected a list of repeat, raise_priority, notify_contact");
      } else {
        c->service.default_policy.steps.clear();
        for (size_t i = 0; i < steps.size(); ++i) {
          auto s = steps[i].IsScalar() ? channel::ParseEscalationStep(steps[i].as<std::string>()) : std::nullopt;
          if (!s) {
            ch.Fail("channel.escalation[" + std::to_string(i) + "]", "expected repeat, raise_priority or notify_contact");
            break;
          }
          c->service.default_policy.steps.push_back(*s);
        }
      }
    }
    ch.Finish();
  }
  {
    // Conformance of tracks bound to operations (docs/service.md "Conformance").
    Section k(top.Get("conformance"), "conformance", &st);
    auto& o = c->service;
    k.Quantity("horizontal_tolerance", Dimension::kLength, &o.conformance.horizontal_tolerance_m, 0, 10000);
    k.Quantity("vertical_tolerance", Dimension::kLength, &o.conformance.vertical_tolerance_m, 0, 3000);
    k.Quantity("time_tolerance", Dimension::kTime, &o.conformance.time_tolerance_s, 0, 3600);
    k.Quantity("nonconforming_after", Dimension::kTime, &o.nonconforming_after_s, 0, 600);
    k.Quantity("conforming_after", Dimension::kTime, &o.conforming_after_s, 0, 600);
    k.Quantity("off_nominal_horizon", Dimension::kTime, &o.off_nominal_horizon_s, 1, 3600);
    k.Finish();
  }
  {
    Section d(top.Get("distress"), "distress", &st);
    d.Quantity("radius", Dimension::kLength, &c->service.distress_radius_m, 100, 1e6);
    d.Finish();
  }
  // feeds: ["host:port=party", {address: host:port, party: p, icao_table: file.csv}, ...]; a relative
  // icao_table is read from the configuration file's folder.
  auto feeds = top.Get("feeds");
  if (feeds) {
    if (!feeds.IsSequence()) {
      top.Fail("feeds", "expected a list of \"host:port=party\" or {address, party, icao_table}");
    } else {
      for (size_t i = 0; i < feeds.size(); ++i) {
        const std::string key = "feeds[" + std::to_string(i) + "]";
        if (feeds[i].IsScalar()) {
          c->feeds.push_back(feeds[i].as<std::string>());
          continue;
        }
        Section f(feeds[i], key, &st);
        std::string address, party, table;
        f.Str("address", &address);
        f.Str("party", &party);
        f.Str("icao_table", &table);
        f.Finish();
        if (address.empty()) f.Fail(key + ".address", "missing (host:port)");
        if (party.empty() && table.empty()) f.Fail(key, "needs a party, an icao_table, or both");
        if (!table.empty() && std::filesystem::path(table).is_relative())
          table = (std::filesystem::path(path).parent_path() / table).lexically_normal().string();
        c->feeds.push_back(address + "=" + party + (table.empty() ? "" : "@" + table));
      }
    }
  }
  top.Finish();
  if (!st.ok()) return Status::Invalid(path + ": " + st.message());
  return Status::Ok();
}

Result<std::string> AdminToken(const ServeConfig& config, const std::string& data_dir) {
  if (!config.admin_token.empty()) return config.admin_token;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(data_dir, ec)) {
    // 0700 like the store makes it (docs/storage.md): the token and the database are for the operator only.
    const fs::path parent = fs::path(data_dir).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec || (::mkdir(data_dir.c_str(), 0700) != 0 && errno != EEXIST))
      return Status::Io(data_dir + ": cannot create the data directory: " + (ec ? ec.message() : std::strerror(errno)));
  }
  const std::string path = (fs::path(data_dir) / "admin.token").string();
  std::ifstream in(path);
  if (in) {
    std::string token;
    std::getline(in, token);
    if (token.empty()) return Status::Invalid(path + ": empty administrator token");
    return token;
  }
  const std::string token = NewToken();
  // 0600 from the first byte (no moment readable by others), whatever the umask.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  const std::string line = token + "\n";
  const bool written = fd >= 0 && ::fchmod(fd, 0600) == 0 &&
                       ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!written) return Status::Io(path + ": cannot write the administrator token: " + std::strerror(errno));
  return token;
}

}  // namespace deconflict::server
