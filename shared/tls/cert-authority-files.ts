// The CA's file names, apart from the CA code so that daemons reading their identity
// never load the certificate generator.
export const CA_CERT_FILE = 'ca.crt';
export const CA_KEY_FILE = 'ca.key';
