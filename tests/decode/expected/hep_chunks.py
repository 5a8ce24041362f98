#!/usr/bin/env python3
# Reads the HEP3 chunks of every UDP packet in a classic pcap (Ethernet/IPv4) and prints
# one tab-separated row per packet: an independent decode to check ringfence's against,
# since tshark 4.0 has no HEP dissector. Usage: hep_chunks.py FILE.pcap
import socket, struct, sys

def main(path):
    data = open(path, 'rb').read()
    assert data[:4] == b'\xd4\xc3\xb2\xa1', 'little-endian microsecond pcap expected'
    print('\t'.join(['frame', 'proto_type', 'ip_family', 'ip_proto', 'src', 'dst', 'sport', 'dport',
                     'ts_sec', 'ts_usec', 'capture_id', 'correlation_id', 'payload_bytes', 'payload_first_line']))
    off, frame = 24, 0
    while off < len(data):
        _, _, caplen, _ = struct.unpack('<IIII', data[off:off + 16])
        pkt = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        frame += 1
        ip = pkt[14:]
        udp = ip[(ip[0] & 15) * 4:]
        hep = udp[8:]
        assert hep[:4] == b'HEP3' and struct.unpack('>H', hep[4:6])[0] == len(hep)
        c, pos = {}, 6
        while pos < len(hep):
            vendor, typ, length = struct.unpack('>HHH', hep[pos:pos + 6])
            if vendor == 0:
                c[typ] = hep[pos + 6:pos + length]
            pos += length
        fam = 'ipv4' if c[1][0] == 2 else 'ipv6'
        af = socket.AF_INET if fam == 'ipv4' else socket.AF_INET6
        src = socket.inet_ntop(af, c[3] if fam == 'ipv4' else c[5])
        dst = socket.inet_ntop(af, c[4] if fam == 'ipv4' else c[6])
        payload = c[15]
        print('\t'.join(str(x) for x in [frame, c[11][0], fam, c[2][0], src, dst,
                                         struct.unpack('>H', c[7])[0], struct.unpack('>H', c[8])[0],
                                         struct.unpack('>I', c[9])[0], struct.unpack('>I', c[10])[0],
                                         struct.unpack('>I', c[12])[0], c[17].decode(), len(payload),
                                         payload.split(b'\n')[0].rstrip(b'\r').decode()]))

main(sys.argv[1])
