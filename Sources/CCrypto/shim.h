// OpenSSL's libcrypto, for the SHA-256 of the output manifest (GUPModel's
// SHA256, the only module importing CCrypto). EVP_Digest and EVP_sha256
// are OpenSSL 3.0's non-deprecated one-shot digest API; err.h words a failure.
#include <openssl/evp.h>
#include <openssl/err.h>
