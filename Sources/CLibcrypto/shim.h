// OpenSSL 3's libcrypto, for SHA-256 and Ed25519 (Debian: libssl-dev). Header-only: nothing here is
// compiled, so SwiftPM has no C target of Kiln's to rebuild when a build's environment changes.
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>
