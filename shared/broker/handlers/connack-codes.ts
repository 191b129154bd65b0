/** CONNACK refusal codes: 3.1.1 return codes and their 5.0 reason codes. */
export const connackCodes = {
  'identifier-rejected': { v3: 0x02, v5: 0x85 },
  unavailable: { v3: 0x03, v5: 0x88 },
  'bad-credentials': { v3: 0x04, v5: 0x86 },
  'not-authorized': { v3: 0x05, v5: 0x87 },
} as const;

export type ConnackRefusal = keyof typeof connackCodes;
