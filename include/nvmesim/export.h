/* SPDX-License-Identifier: MIT */
/*
 * export.h - symbol visibility and attribute helpers for the public API.
 *
 * The library is built with -fvisibility=hidden; only declarations marked
 * NVMESIM_API are exported (libsodium SODIUM_EXPORT, libuv UV_EXTERN).
 */
#ifndef NVMESIM_EXPORT_H
#define NVMESIM_EXPORT_H

#if defined(__GNUC__)
#define NVMESIM_API __attribute__((visibility("default")))
#define NVMESIM_WUR __attribute__((warn_unused_result))
#define NVMESIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NVMESIM_API
#define NVMESIM_WUR
#define NVMESIM_PRINTF(f, a)
#endif

#ifdef __cplusplus
#define NVMESIM_BEGIN_DECLS extern "C" {
#define NVMESIM_END_DECLS }
#else
#define NVMESIM_BEGIN_DECLS
#define NVMESIM_END_DECLS
#endif

/* NVMESIM_STATIC_ASSERT - compile-time layout checks in C11 and C++11 alike */
#ifdef __cplusplus
#define NVMESIM_STATIC_ASSERT(e, msg) static_assert(e, msg)
#else
#define NVMESIM_STATIC_ASSERT(e, msg) _Static_assert(e, msg)
#endif

#endif /* NVMESIM_EXPORT_H */
