// Live SBS-1 feeds for the service: TCP clients (Boost.Asio) to dump1090 / readsb port 30003, each bound to
// a party or to an ICAO -> party table, reconnecting with exponential backoff; and SBS file sources replayed
// in real time or accelerated. Every source has its own TrackAssembler; updates, distress events and
// periodic stats are delivered through callbacks.
//
// Threading: all network handlers and callbacks run serialised on one strand of the io_context (given to
// Start, or owned by StartThread). Callbacks run without any lock of the manager held: they may call
// Stats(), Aircraft() and Stop(). Stats() and Aircraft() are safe from any thread. Asio is kept out of
// this header.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/track.h"
#include "feeds/asterix_stream.h"
#include "feeds/sbs_file.h"
#include "feeds/sbs_stream.h"
#include "feeds/track_assembler.h"

namespace boost::asio {
class io_context;
}

namespace deconflict::feeds {

enum class FeedProtocol : uint8_t {
  kSbsTcp,      // SBS-1 lines from a TCP server (dump1090, readsb port 30003)
  kAsterixUdp,  // ASTERIX CAT021 / CAT062 datagrams received on a UDP port (unicast, or a multicast group)
};

struct FeedEndpoint {
  std::string host;                          // SBS: name or address to connect to; ASTERIX: the address to bind
                                             // (0.0.0.0, a local address) or the multicast group to join
  uint16_t port = 30003;
  std::string party;                         // party of aircraft the tables do not bind ("" = own party)
  std::shared_ptr<const PartyTable> table;   // SBS: optional ICAO -> party
  std::string name;                          // for logs and stats; default "host:port"
  FeedProtocol protocol = FeedProtocol::kSbsTcp;
  std::shared_ptr<const SourcePartyTable> sources;  // ASTERIX: optional SAC/SIC -> party
  AsterixEditions editions;                  // ASTERIX: editions, by default and per SAC/SIC (the source table)
  std::string interface_address;             // ASTERIX multicast: the local IPv4 address of the interface that
                                             // joins the group ("" = the default interface)
};

// Parses a command-line feed: "host:port=party", "host:port=@table.csv" (parties from a table) or
// "host:port=party@table.csv" (table first, `party` for the rest); "[::1]:30003=blue" for IPv6.
// ASTERIX over UDP: "asterix+udp://ADDRESS:PORT=party", "asterix+udp://239.1.2.3:8600=@sources.csv" or
// "...=party@sources.csv", the table's lines "SAC/SIC,party[,CAT=EDITION...]" ("25/100,blue,62=0.17");
// "asterix+udp://10.0.0.5@239.1.2.3:8600=blue" joins the group on the interface of local address 10.0.0.5.
// Errors name the spec and what is wrong.
Result<FeedEndpoint> ParseFeedSpec(std::string_view spec);

// Reads an ICAO -> party table: one "HEXIDENT,party" per line (6 hex digits), '#' comments, blank lines.
// Errors name the file, line and field.
Result<PartyTable> ReadPartyTable(const std::string& path);

struct FeedManagerOptions {
  // Time of live updates. kArrival (default) stamps each line with this machine's UTC clock, which is right
  // whatever the receiver's time zone; kMessageLocal/kMessageUtc read the SBS date/time fields.
  SbsParseOptions parse = [] {
    SbsParseOptions p;
    p.time_source = SbsTimeSource::kArrival;
    return p;
  }();
  double stale_after_s = 60;          // track expiry (see AssemblerOptions)
  double expire_interval_s = 1;       // how often stale tracks are looked for
  double reconnect_initial_s = 0.5;   // first retry delay; doubles per failure
  double reconnect_max_s = 30;        // cap of the retry delay
  double idle_timeout_s = 150;        // no byte for this long (dump1090 sends a keep-alive every 60 s):
                                      // the connection is dropped and reopened
  double stats_interval_s = 10;       // on_stats period; 0 = never
  int bad_lines_logged_per_second = 5;  // per source
};

struct FeedStats {
  std::string name;
  bool connected = false;        // files: true while replaying
  uint64_t connects = 0;         // successful connections
  uint64_t reconnects = 0;       // connection attempts after the first one
  uint64_t connect_failures = 0;
  uint64_t disconnects = 0;      // established connections that ended (EOF, error, idle timeout)
  SbsCounters counters;          // SBS: lines, messages, bad lines by reason
  AsterixCounters asterix;       // ASTERIX: datagrams, blocks, records, bad blocks and records by reason
  size_t aircraft = 0;           // aircraft known now
  size_t usable_tracks = 0;      // of which usable
  uint64_t updates = 0;          // on_track calls
  uint64_t distress_events = 0;  // on_distress calls
  uint64_t expired = 0;          // on_expired calls
  std::string last_error;        // why the last connection attempt failed or ended; "" if none yet
};

struct FeedCallbacks {
  std::function<void(const TrackState&)> on_track;
  std::function<void(const DistressEvent&)> on_distress;
  std::function<void(const TrackState&)> on_expired;
  std::function<void(const std::vector<FeedStats>&)> on_stats;
};

class FeedManager {
 public:
  explicit FeedManager(FeedManagerOptions options = {}, FeedCallbacks callbacks = {});
  ~FeedManager();  // Stop()
  FeedManager(const FeedManager&) = delete;
  FeedManager& operator=(const FeedManager&) = delete;

  // Adds a feed (SBS over TCP, or ASTERIX over UDP). REQUIRES: before Start. Returns its index (for Aircraft()).
  // A UDP feed binds its port (SO_REUSEADDR; a multicast address is joined on the default interface) at Start;
  // when that fails it retries with the reconnect backoff. Its stats are `connected` while bound.
  size_t AddFeed(FeedEndpoint endpoint);

  // Adds an SBS file source: read now (errors returned), replayed after Start with its own times, paced
  // `speed` times real time (1 = real time, 60 = a minute per second, 0 = as fast as possible).
  // REQUIRES: before Start. On success returns the source index.
  Result<size_t> AddFile(const std::string& path, const SbsFileOptions& options, double speed);

  // Starts every source on `io`, whose run() the caller drives. REQUIRES: Start/StartThread not called yet;
  // `io` outlives this FeedManager (destroy the manager first: its timers and sockets belong to `io`).
  void Start(boost::asio::io_context& io);
  // Starts every source on an io_context run by one thread of its own.
  void StartThread();
  // Closes connections and cancels timers. With StartThread, no callback runs after Stop returns (called
  // from a callback, it stops the rest and the destructor joins the thread). With Start(io), a callback
  // already running may finish; no other starts. Safe to call twice.
  void Stop();

  std::vector<FeedStats> Stats() const;
  // What a source knows now (usable or not), sorted by id. REQUIRES: source < number of sources.
  std::vector<AircraftInfo> Aircraft(size_t source) const;

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace deconflict::feeds
