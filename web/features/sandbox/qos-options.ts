/** QoS choices for the segmented controls. */
export const qosOptions = [
  { value: 0, label: 'QoS 0' },
  { value: 1, label: 'QoS 1' },
  { value: 2, label: 'QoS 2' },
] as const;

/** For narrow forms, beside a "QoS" label. */
export const shortQosOptions = [
  { value: 0, label: '0' },
  { value: 1, label: '1' },
  { value: 2, label: '2' },
] as const;
