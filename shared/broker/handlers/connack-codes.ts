/** CONNACK refusals: the 3.1.1 return code and the 5.0 reason code for each. 3.1.1 has no code for
 * most MQTT 5 refusals; "server unavailable" is the closest it has. */
export const connackCodes = {
  'identifier-rejected': { v3: 0x02, v5: 0x85 },
  unavailable: { v3: 0x03, v5: 0x88 },
  'bad-credentials': { v3: 0x04, v5: 0x86 },
  'not-authorized': { v3: 0x05, v5: 0x87 },
  'protocol-error': { v3: 0x03, v5: 0x82 },
  'bad-authentication-method': { v3: 0x05, v5: 0x8c },
  'payload-format-invalid': { v3: 0x03, v5: 0x99 },
  'retain-not-supported': { v3: 0x03, v5: 0x9a },
  'qos-not-supported': { v3: 0x03, v5: 0x9b },
  'use-another-server': { v3: 0x03, v5: 0x9c },
  'server-moved': { v3: 0x03, v5: 0x9d },
} as const;

export type ConnackRefusal = keyof typeof connackCodes;
