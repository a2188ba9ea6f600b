/*
 * edgestat's trimmed mbedTLS 3.6 configuration.
 *
 * Used instead of the stock include/mbedtls/mbedtls_config.h by compiling
 * mbedTLS and every file that includes its headers with
 *     -DMBEDTLS_CONFIG_FILE="<mbedtls_config_edgestat.h>"
 * (build-deps.sh also installs it as include/mbedtls/mbedtls_config.h in the
 * deps prefix, so the app sees the same config whether or not it passes the
 * define).
 *
 * What edgestat needs from mbedTLS: an HTTPS server (/metrics over TLS) and
 * a TLS client (OTLP push), TLS 1.2 and 1.3, ECDHE key exchange on
 * secp256r1 / x25519 / secp384r1 with ECDSA or RSA certificates, AEAD
 * ciphers only (AES-GCM, ChaCha20-Poly1305), SHA-256/384, PEM + X.509
 * parsing, PBKDF2 for password hashing, base64, a CTR_DRBG seeded from the
 * kernel (getrandom, falling back to /dev/urandom). The application does its
 * own socket I/O through libuv, so net_sockets is out.
 *
 * Threading: MBEDTLS_THREADING_C is off. Only the loop thread may call into
 * mbedTLS/PSA (the writer thread never does).
 */
#ifndef EDGESTAT_MBEDTLS_CONFIG_H
#define EDGESTAT_MBEDTLS_CONFIG_H

/* ---- System support ---------------------------------------------------- */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_HAVE_TIME_DATE          /* X.509 validity period checks */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_FS_IO                   /* x509_crt_parse_file, pk_parse_keyfile */
#define MBEDTLS_DEPRECATED_REMOVED      /* nothing deprecated is compiled in */
/* Entropy: the platform source is getrandom(2) with a /dev/urandom fallback
 * (MBEDTLS_NO_PLATFORM_ENTROPY stays undefined). */

/* ---- Hashes, MACs, KDFs ------------------------------------------------ */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C                /* TLS_AES_256_GCM_SHA384, P-384 certs */
#define MBEDTLS_SHA512_C                /* sha384 lives in sha512.c; entropy pool */
#define MBEDTLS_SHA512_SMALLER          /* rolled loop: SHA-384 runs once per handshake */
#define MBEDTLS_HKDF_C                  /* TLS 1.3 key schedule (via PSA) */
#define MBEDTLS_PKCS5_C                 /* PBKDF2-HMAC for password hashing */

/* ---- Symmetric ciphers: AEAD only -------------------------------------- */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES          /* tables in flash/rodata, not RAM */
#define MBEDTLS_AES_FEWER_TABLES        /* 8 KiB of tables instead of 16 KiB */
#define MBEDTLS_AESNI_C                 /* x86_64 only, runtime-detected */
#define MBEDTLS_AESCE_C                 /* aarch64 only, runtime-detected */
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
/* Encrypt-only AES: GCM and CTR_DRBG only ever run the forward cipher, so
 * the decryption rounds, their key schedule and tables go (mbedTLS 3.5+;
 * check_config.h refuses it together with CBC/XTS/DES/NIST_KW). */
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT
/* No MBEDTLS_CIPHER_MODE_CTR: CTR_DRBG calls the AES block function
 * itself; the mode would only add PSA's unused CTR cipher. */

/* ---- Random numbers ---------------------------------------------------- */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C              /* also the PSA core's DRBG */

/* ---- Public key: bignum, EC, RSA --------------------------------------- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_MPI_MAX_SIZE 512        /* 4096-bit RSA certificates at most */
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM          /* fast P-256/P-384 reduction: handshakes on a 24Kc */
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15               /* RSA signatures in TLS 1.2 */
#define MBEDTLS_PKCS1_V21               /* RSA-PSS: required for RSA certs in TLS 1.3 */
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C            /* ECDSA signatures are ASN.1 encoded */
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C

/* ---- PEM / X.509 ------------------------------------------------------- */
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C

/* ---- PSA crypto: the TLS 1.3 implementation runs on it ---------------- */
#define MBEDTLS_PSA_CRYPTO_C
/* Volatile keys only: no persistent key storage, no ITS files. The
 * dynamic key store grows with the number of live keys (a few per TLS
 * connection, bounded by the connection cap). */
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC

/* ---- TLS --------------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE /* middlebox compatibility */
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET    /* RFC 7627, TLS 1.2 */
#define MBEDTLS_SSL_SERVER_NAME_INDICATION    /* client SNI for OTLP endpoints */
#define MBEDTLS_SSL_ALPN                      /* "http/1.1" for OTLP/HTTP */
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES        /* peers see why a handshake failed */
/* mbedTLS 3.6's TLS 1.3 code refuses to build without this
 * (check_config.h: "MBEDTLS_SSL_PROTO_TLS1_3 defined without
 * MBEDTLS_SSL_KEEP_PEER_CERTIFICATE"). Cost: the peer's chain stays in
 * memory for the connection's life: outgoing OTLP connections, and HTTPS
 * connections when [tls] client_auth asks for client certificates (about
 * 1.8 KiB more per connection with a P-256 client certificate). */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
/* Record buffers. Input must accept full 16 KiB records (peers are not
 * obliged to honour max_fragment_length); our own records stay at 4 KiB,
 * which shrinks the per-connection output buffer fourfold. */
#define MBEDTLS_SSL_IN_CONTENT_LEN  16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096
/* Deliberately absent: MBEDTLS_SSL_RENEGOTIATION, MBEDTLS_SSL_SESSION_TICKETS,
 * MBEDTLS_SSL_CONTEXT_SERIALIZATION, MBEDTLS_SSL_PROTO_DTLS, every PSK mode,
 * MBEDTLS_SSL_ENCRYPT_THEN_MAC (CBC only), MBEDTLS_NET_C, MBEDTLS_TIMING_C,
 * MBEDTLS_DEBUG_C, MBEDTLS_ERROR_C (log the hex code), MBEDTLS_SELF_TEST,
 * MBEDTLS_THREADING_C, CBC/CCM/DES/3DES/Camellia/ARIA/MD5/SHA-1,
 * MBEDTLS_GENPRIME (no key generation on the device). */

#define MBEDTLS_VERSION_C               /* mbedtls_version_get_string for --version */

#endif /* EDGESTAT_MBEDTLS_CONFIG_H */
