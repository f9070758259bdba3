/** The operation id the coordinator sends, so one grep follows a step across hosts. */
export const OP_METADATA_KEY = 'twinzone-op';
