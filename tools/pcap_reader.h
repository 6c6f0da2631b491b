// tools/pcap_reader.h: the SMTP connections of a pcap file, reassembled.
//
// Packets are read with libpcap (through libtins' FileSniffer) and each TCP
// connection is reassembled by libtins' TCPIP::StreamFollower, which orders
// out-of-order segments and drops retransmitted and overlapping octets: this
// project has no TCP reassembly of its own. A connection is SMTP when its
// server port (the side that did not send the SYN) is one of `ports`; a
// connection caught without its handshake counts when either port is.
#ifndef SMTP_TOOLS_PCAP_READER_H_
#define SMTP_TOOLS_PCAP_READER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tools {

struct PcapHandlers {
  // A connection's octets in capture order. `conn` is
  // "client-ip:port-server-ip:port" (IPv6 addresses in brackets); `id` is
  // unique per connection within the file.
  std::function<void(std::size_t id, std::string_view conn, bool from_client,
                     std::string_view octets)>
      data;
  // The connection ended (FIN/RST, or the end of the file). Called once.
  std::function<void(std::size_t id)> closed;
};

// Reads `path`; returns "" or a message for people (the file cannot be read,
// or is not a capture).
[[nodiscard]] std::string ReadPcap(const std::string& path, const std::vector<std::uint16_t>& ports,
                                   const PcapHandlers& handlers);

}  // namespace tools

#endif  // SMTP_TOOLS_PCAP_READER_H_
