import { Buffer } from 'buffer';
import mqttPacket, { type Packet } from 'mqtt-packet';

/**
 * Parses one complete frame with mqtt-packet. One parser serves every connection: frames arrive
 * whole (the FrameReader splits the stream first) and parsing is synchronous, so no state carries
 * from one call to the next, and a connection does not pay for a parser of its own (an
 * EventEmitter and a buffer list each).
 */
export interface FrameParseResult {
  packet: Packet | undefined;
  error: Error | undefined;
}

type SettableParser = ReturnType<typeof mqttPacket.parser> & { settings: { protocolVersion: number } };

let parser = createParser();
let parsed: Packet | undefined;
let parseError: Error | undefined;

function createParser(): SettableParser {
  const created = mqttPacket.parser() as SettableParser;
  created.on('packet', (packet: Packet) => {
    parsed = packet;
  });
  created.on('error', (error: Error) => {
    parseError = error;
  });
  return created;
}

export function parseFrame(frame: Uint8Array, protocolVersion: number): FrameParseResult {
  parsed = undefined;
  parseError = undefined;
  // The parser reads the version from its settings when decoding v5 properties.
  parser.settings = { protocolVersion };
  const leftover = parser.parse(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
  if (leftover > 0 || (!parsed && !parseError)) {
    // A frame the parser did not finish would leave state behind for the next connection.
    parser = createParser();
    return { packet: undefined, error: parseError ?? new Error('packet shorter than its fields') };
  }
  return { packet: parsed, error: parseError };
}
