//! DMTF DSP0004 programmatic units, as OVF uses them for `rasd:AllocationUnits`,
//! `rasd:VirtualQuantityUnits` and `ovf:capacityAllocationUnits`, with exact conversions.
//!
//! Quantities never pass through floating point: factors and results are [`Ratio`]s of
//! 128-bit integers, every operation is checked, and a result that is not whole where a
//! whole number is needed is an error, not a rounding.
//!
//! ```
//! use tern_units::{AllocationUnit, BaseUnit, Ratio};
//!
//! // VMware writes blanks around '^'; it is still 2^20.
//! let mib = AllocationUnit::parse("byte * 2 ^ 20")?;
//! assert_eq!(mib, AllocationUnit::parse("byte*1024*1024")?);
//! assert_eq!(mib.to_string(), "byte * 2^20");
//! assert_eq!(mib.bytes(512)?, 512 << 20);
//!
//! // Bits are bits: 1 of `bit * 2^20` is 131072 bytes.
//! assert_eq!(AllocationUnit::parse("bit * 2^20")?.bytes(1)?, 131_072);
//!
//! // OCCI wants memory in GiB: 1536 MiB is exactly 1.5.
//! let gib = mib.convert(Ratio::from(1536u64), &AllocationUnit::GIBIBYTE)?;
//! assert_eq!(gib.to_string(), "1.5");
//!
//! // And CPU speed in GHz: 2400 of `hertz * 10^6` is 2.4.
//! let mhz = AllocationUnit::parse("hertz * 10^6")?;
//! assert_eq!(mhz.to_base(2400)?, 2_400_000_000);
//! assert_eq!(mhz.convert(Ratio::from(2400u64), &AllocationUnit::GIGAHERTZ)?.to_string(), "2.4");
//!
//! // Writing back: the largest binary unit that holds the size exactly.
//! assert_eq!(
//!     AllocationUnit::largest_binary_unit(4_294_967_296),
//!     (4, AllocationUnit::GIBIBYTE)
//! );
//!
//! // Errors say where and what.
//! let err = AllocationUnit::parse("2^20").unwrap_err();
//! assert_eq!(err.offset(), Some(0));
//! assert_eq!(
//!     err.to_string(),
//!     "invalid unit \"2^20\": expected a base unit such as \"byte\" at column 1"
//! );
//! # Ok::<(), tern_units::UnitError>(())
//! ```
//!
//! # What is accepted
//!
//! [`AllocationUnit::parse_strict`] accepts DSP0004 Annex C programmatic units as far as
//! allocation units need them:
//!
//! * base units `byte`, `bit`, `hertz`, `percent`, `count`, `second`, optionally with a
//!   DSP0004 prefix written together with them: decimal `deca` … `yotta` and `deci` …
//!   `yocto` (`kilobyte` = 1000 bytes, `megahertz`), binary `kibi` … `yobi` (`mebibyte`);
//! * factors `* 2^20`, `* 10^9`, `* 1024`, decimal fractions `* 0.5`, negative exponents
//!   `* 10^-3`, and division `/ 1000`, combined left to right;
//! * one base unit multiplied in and at most one divided (`bit / second * 10^6`);
//! * blanks (space, tab, newline) around `*` and `/` and around the whole string.
//!
//! [`AllocationUnit::parse`] additionally accepts what real exporters write:
//!
//! * blanks around `^` (`byte * 2 ^ 20`, in files from `VMware` tools);
//! * base unit names in another case or in the plural (`Byte`, `bytes * 2^20`; the CIM
//!   schema's own description writes `bytes*10^3`);
//! * the legacy names, as whole strings in any ASCII case: `Bytes`, `KiloBytes`,
//!   `MegaBytes`, `GigaBytes`, `TeraBytes`, `KB`, `MB`, `GB`, `TB`, `KiB`, `MiB`, `GiB`,
//!   `TiB` (all **binary**, as the CIM `Units("KiloBytes")` / `PUnit("byte * 2^10")` pair
//!   and the `MegaBytes` memory of `VirtualBox` exports say), `Bits`, `Hz`, `KHz`, `MHz`, `GHz`,
//!   `KiloHertz`, `MegaHertz`, `GigaHertz` (decimal).
//!
//! Refused with an error naming the byte offset: anything else, including free text seen
//! in the wild such as `Disk` and `Processor Cores` (`XenServer`), a base unit with an
//! exponent (`byte^2`), a leading `-`, a zero factor, two base units multiplied together,
//! and any factor that does not fit in 128 bits (`byte * 2^999`). Note that DSP0004
//! `kilobyte` (10^3) and legacy `KiloBytes` (2^10) differ: that is what the specifications
//! say, and why a prefixed name never takes a plural or capital letters here.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod base;
mod error;
mod legacy;
mod parse;
mod ratio;
mod unit;

pub use base::{BaseUnit, Dimension};
pub use error::UnitError;
pub use ratio::Ratio;
pub use unit::AllocationUnit;
