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

/* mbedTLS 3.6 only (the version toolchains/fetch-sources.sh builds; 3.x's
 * build_info.h defines the version before it includes this file). The
 * macro set differs in 2.28 (config.h, no SHA384_C/BLOCK_CIPHER_NO_DECRYPT,
 * experimental TLS 1.3); builds against 2.28 (Debian bookworm, OpenWrt's
 * shared libmbedtls) use that library's own configuration instead. */
#if !defined(MBEDTLS_VERSION_NUMBER) || MBEDTLS_VERSION_NUMBER < 0x03060000
#error "mbedtls_config_edgestat.h is for mbedTLS >= 3.6; with 2.28 build against the library's own config"
#endif

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
#define MBEDTLS_MD_C                    /* HMAC for PBKDF2, TLS 1.2 PRF, X.509 signature hashes */
#define MBEDTLS_SHA256_C                /* password hashes, TLS_AES_128_GCM_SHA256, cert signatures */
#define MBEDTLS_SHA384_C                /* TLS_AES_256_GCM_SHA384, P-384 certs */
#define MBEDTLS_SHA512_C                /* sha384 lives in sha512.c; entropy pool */
#define MBEDTLS_SHA512_SMALLER          /* rolled loop: SHA-384 runs once per handshake */
#define MBEDTLS_HKDF_C                  /* TLS 1.3 key schedule (via PSA) */
#define MBEDTLS_PKCS5_C                 /* PBKDF2-HMAC for password hashing */

/* ---- Symmetric ciphers: AEAD only -------------------------------------- */
#define MBEDTLS_CIPHER_C                /* the cipher layer TLS records run through */
#define MBEDTLS_AES_C                   /* AES-128/256-GCM suites, CTR_DRBG */
#define MBEDTLS_AES_ROM_TABLES          /* tables in flash/rodata, not RAM */
#define MBEDTLS_AES_FEWER_TABLES        /* 8 KiB of tables instead of 16 KiB */
#define MBEDTLS_AESNI_C                 /* x86_64 only, runtime-detected */
#define MBEDTLS_AESCE_C                 /* aarch64 only, runtime-detected */
#define MBEDTLS_GCM_C                   /* AES-GCM: every AES suite we offer */
#define MBEDTLS_CHACHA20_C              /* ChaCha20-Poly1305: fast on CPUs without AES instructions (24Kc, ARM1176) */
#define MBEDTLS_POLY1305_C              /* ChaCha20-Poly1305 */
#define MBEDTLS_CHACHAPOLY_C            /* ChaCha20-Poly1305 AEAD */
/* Encrypt-only AES: GCM and CTR_DRBG only ever run the forward cipher, so
 * the decryption rounds, their key schedule and tables go (mbedTLS 3.5+;
 * check_config.h refuses it together with CBC/XTS/DES/NIST_KW). */
#define MBEDTLS_BLOCK_CIPHER_NO_DECRYPT
/* No MBEDTLS_CIPHER_MODE_CTR: CTR_DRBG calls the AES block function
 * itself; the mode would only add PSA's unused CTR cipher. */

/* ---- Random numbers ---------------------------------------------------- */
#define MBEDTLS_ENTROPY_C               /* seeds the DRBG from getrandom(2) */
#define MBEDTLS_CTR_DRBG_C              /* also the PSA core's DRBG */

/* ---- Public key: bignum, EC, RSA --------------------------------------- */
#define MBEDTLS_BIGNUM_C                /* RSA and ECC arithmetic */
#define MBEDTLS_MPI_MAX_SIZE 512        /* 4096-bit RSA certificates at most */
#define MBEDTLS_ECP_C                   /* elliptic curves: ECDHE and ECDSA */
#define MBEDTLS_ECP_NIST_OPTIM          /* fast P-256/P-384 reduction: handshakes on a 24Kc */
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED   /* P-256: the common certificate and ECDHE curve */
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED   /* P-384 certificates (some CAs) */
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED  /* X25519: what TLS 1.3 clients offer first */
#define MBEDTLS_ECDH_C                  /* ECDHE key exchange (TLS 1.2 and 1.3) */
#define MBEDTLS_ECDSA_C                 /* ECDSA certificates (ours and peers') */
#define MBEDTLS_RSA_C                   /* RSA certificates (most public CAs, OTLP receivers) */
#define MBEDTLS_PKCS1_V15               /* RSA signatures in TLS 1.2 */
#define MBEDTLS_PKCS1_V21               /* RSA-PSS: required for RSA certs in TLS 1.3 */
#define MBEDTLS_OID_C                   /* algorithm and name OIDs in certificates and keys */
#define MBEDTLS_ASN1_PARSE_C            /* DER parsing of certificates and keys */
#define MBEDTLS_ASN1_WRITE_C            /* ECDSA signatures are ASN.1 encoded */
#define MBEDTLS_PK_C                    /* the public-key layer over RSA/ECDSA */
#define MBEDTLS_PK_PARSE_C              /* [tls] key_file: PEM/DER private keys */

/* ---- PEM / X.509 ------------------------------------------------------- */
#define MBEDTLS_BASE64_C                /* PEM bodies; Basic auth headers */
#define MBEDTLS_PEM_PARSE_C             /* PEM certificate and key files */
#define MBEDTLS_X509_USE_C              /* X.509 common code */
#define MBEDTLS_X509_CRT_PARSE_C        /* certificates: ours, CA bundles, verification of peers */

/* ---- PSA crypto: the TLS 1.3 implementation runs on it ---------------- */
#define MBEDTLS_PSA_CRYPTO_C            /* mbedTLS 3.6 runs TLS 1.3 on PSA */
/* Volatile keys only: no persistent key storage, no ITS files. The
 * dynamic key store grows with the number of live keys (a few per TLS
 * connection, bounded by the connection cap). */
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC

/* ---- TLS --------------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C               /* TLS */
#define MBEDTLS_SSL_SRV_C               /* HTTPS /metrics server */
#define MBEDTLS_SSL_CLI_C               /* export client (OTLP, remote write over https) */
#define MBEDTLS_SSL_PROTO_TLS1_2        /* Prometheus and older receivers */
#define MBEDTLS_SSL_PROTO_TLS1_3        /* current clients and receivers */
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE /* middlebox compatibility */
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED /* TLS 1.2 with an ECDSA certificate */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED   /* TLS 1.2 with an RSA certificate */
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
