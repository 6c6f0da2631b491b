#include "pcap_reader.h"

#include <tins/tcp_ip/stream_follower.h>
#include <tins/tins.h>
#include <algorithm>
#include <exception>
#include <map>

namespace tools {
namespace {

using Tins::TCPIP::Stream;
using Tins::TCPIP::StreamFollower;

std::string Endpoint(const Stream& s, bool client) {
  // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict for
  // `"[" + std::string&&` (GCC bug 105329).
  std::string out;
  if (s.is_v6()) {
    out += '[';
    out += (client ? s.client_addr_v6() : s.server_addr_v6()).to_string();
    out += ']';
  } else {
    out += (client ? s.client_addr_v4() : s.server_addr_v4()).to_string();
  }
  out += ':';
  out += std::to_string(client ? s.client_port() : s.server_port());
  return out;
}

struct Conn {
  std::size_t id = 0;
  std::string name;
  bool swapped = false;  // libtins' client is the SMTP server
};

}  // namespace

std::string ReadPcap(const std::string& path, const std::vector<std::uint16_t>& ports,
                     const PcapHandlers& handlers) {
  const auto is_port = [&](std::uint16_t p) {
    return std::find(ports.begin(), ports.end(), p) != ports.end();
  };
  std::map<const Stream*, Conn> conns;
  std::size_t next_id = 0;
  const auto close = [&](Stream& stream) {
    const auto it = conns.find(&stream);
    if (it == conns.end()) return;
    const std::size_t id = it->second.id;
    conns.erase(it);
    handlers.closed(id);
  };
  try {
    Tins::FileSniffer sniffer(path);
    StreamFollower follower;
    follower.follow_partial_streams(true);
    follower.new_stream_callback([&](Stream& stream) {
      bool swapped = false;
      if (!is_port(stream.server_port())) {
        if (!is_port(stream.client_port())) {
          stream.ignore_client_data();
          stream.ignore_server_data();
          return;
        }
        swapped = true;
      }
      Conn conn;
      conn.id = next_id++;
      conn.swapped = swapped;
      conn.name = swapped ? Endpoint(stream, false) + "-" + Endpoint(stream, true)
                          : Endpoint(stream, true) + "-" + Endpoint(stream, false);
      conns[&stream] = conn;
      const auto deliver = [&](Stream& s, bool libtins_client) {
        const auto it = conns.find(&s);
        if (it == conns.end()) return;
        const Stream::payload_type& payload =
            libtins_client ? s.client_payload() : s.server_payload();
        const std::string_view octets(reinterpret_cast<const char*>(payload.data()),
                                      payload.size());
        handlers.data(it->second.id, it->second.name, libtins_client != it->second.swapped, octets);
      };
      stream.client_data_callback([deliver](Stream& s) { deliver(s, true); });
      stream.server_data_callback([deliver](Stream& s) { deliver(s, false); });
      stream.stream_closed_callback([&close](Stream& s) { close(s); });
    });
    follower.stream_termination_callback(
        [&close](Stream& s, StreamFollower::TerminationReason) { close(s); });
    sniffer.sniff_loop([&](Tins::Packet& packet) {
      follower.process_packet(packet);
      return true;
    });
  } catch (const std::exception& e) {
    for (auto& [stream, conn] : conns)
      handlers.closed(conn.id);
    return "cannot read " + path + ": " + e.what();
  }
  // Connections still open at the end of the capture, oldest first.
  std::vector<std::size_t> open;
  for (const auto& [stream, conn] : conns)
    open.push_back(conn.id);
  std::sort(open.begin(), open.end());
  for (const std::size_t id : open)
    handlers.closed(id);
  return "";
}

}  // namespace tools
