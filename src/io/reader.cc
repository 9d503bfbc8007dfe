#include "io/reader.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "io/text_fields.h"

namespace deconflict::io {

namespace {
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
}  // namespace

Result<InputFormat> ParseInputFormat(std::string_view name) {
  std::string n = internal::Lower(name);
  if (n == "auto") return InputFormat::kAuto;
  if (n == "csv") return InputFormat::kStatesCsv;
  if (n == "jsonl" || n == "ndjson") return InputFormat::kJsonLines;
  if (n == "traffic" || n == "json") return InputFormat::kTraffic;
  if (n == "scn" || n == "bluesky") return InputFormat::kBlueSky;
  if (n == "daa" || n == "daidalus") return InputFormat::kDaidalus;
  if (n == "sbs") return InputFormat::kSbs;
  if (n == "asterix" || n == "ast" || n == "pcap") return InputFormat::kAsterix;
  return Status::Invalid("unknown input format \"" + std::string(name) +
                         "\" (expected auto, csv, jsonl, traffic, scn, daa, sbs or asterix)");
}

const char* InputFormatName(InputFormat format) {
  switch (format) {
    case InputFormat::kAuto: return "auto";
    case InputFormat::kStatesCsv: return "csv";
    case InputFormat::kJsonLines: return "jsonl";
    case InputFormat::kTraffic: return "traffic";
    case InputFormat::kBlueSky: return "scn";
    case InputFormat::kDaidalus: return "daa";
    case InputFormat::kSbs: return "sbs";
    case InputFormat::kAsterix: return "asterix";
  }
  return "unknown";
}

Result<InputFormat> FormatFromPath(std::string_view path) {
  std::string p = internal::Lower(path);
  if (EndsWith(p, ".gz")) p.resize(p.size() - 3);
  if (EndsWith(p, ".csv")) return InputFormat::kStatesCsv;
  if (EndsWith(p, ".jsonl") || EndsWith(p, ".ndjson")) return InputFormat::kJsonLines;
  if (EndsWith(p, ".json")) return InputFormat::kTraffic;
  if (EndsWith(p, ".scn")) return InputFormat::kBlueSky;
  if (EndsWith(p, ".daa")) return InputFormat::kDaidalus;
  if (EndsWith(p, ".sbs")) return InputFormat::kSbs;
  if (EndsWith(p, ".ast") || EndsWith(p, ".pcap")) return InputFormat::kAsterix;
  return Status::Invalid("cannot tell the input format of \"" + std::string(path) +
                         "\" from its extension (.csv, .jsonl, .json, .scn, .daa, .sbs, .ast, .pcap, optionally .gz); "
                         "use --input-format");
}

Result<std::string> ReadFileContent(const std::string& path) {
  // gzread reads plain files unchanged, so one path serves both.
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return Status::Io(path + ": cannot open: " + std::strerror(errno));
  std::string out;
  char buf[1 << 16];
  while (true) {
    int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int err = 0;
      std::string msg = gzerror(f, &err);
      gzclose(f);
      return Status::Io(path + ": read error: " + msg);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  gzclose(f);
  return out;
}

Result<ReadResult> ParseStates(std::string_view text, std::string_view source, InputFormat format,
                               const ReadOptions& options) {
  ReadResult result;
  internal::LineErrors errors(source, options, &result);
  Status s;
  switch (format) {
    case InputFormat::kStatesCsv: s = internal::ParseStatesCsv(text, errors, &result); break;
    case InputFormat::kJsonLines: s = internal::ParseJsonLines(text, errors, &result); break;
    case InputFormat::kTraffic: s = internal::ParseTrafficJson(text, errors, &result); break;
    case InputFormat::kBlueSky: s = internal::ParseBlueSkyScenario(text, errors, &result); break;
    case InputFormat::kDaidalus: s = internal::ParseDaidalus(text, errors, &result); break;
    case InputFormat::kAuto:
      return Status::Invalid(std::string(source) + ": ParseStates needs a concrete format, not auto");
    case InputFormat::kSbs:
      return Status::Invalid(std::string(source) + ": SBS files are read by feeds::ReadSbsFile (src/feeds)");
    case InputFormat::kAsterix:
      return Status::Invalid(std::string(source) + ": ASTERIX files are read by feeds::ReadAsterixFile (src/feeds)");
  }
  if (!s.ok()) return s;
  return result;
}

Result<ReadResult> ReadStates(const std::string& path, InputFormat format, const ReadOptions& options) {
  if (format == InputFormat::kAuto) {
    auto f = FormatFromPath(path);
    if (!f.ok()) return f.status();
    format = *f;
  }
  auto content = ReadFileContent(path);
  if (!content.ok()) return content.status();
  return ParseStates(*content, path, format, options);
}

}  // namespace deconflict::io
