//! Parsing the names a client sends, [`Lname`] and [`Fname`], from strings and from
//! [`ReceivedName`]s.
//!
//! The name types replace generated ones in the generated models, and their parse error is the
//! generated types' `ConversionError`, as the `FromStr` and `TryFrom` of every generated type
//! have. So the parsing joins the two from above: `names` defines the types and the rule,
//! `received` the lenient type, the generated models use them, and this module gives them the
//! generated error type.

use std::str::FromStr;

use crate::generated::types::error::ConversionError;
use crate::names::{Fname, Lname};
use crate::received::ReceivedName;

macro_rules! parse_name {
    ($name:ident, $what:literal) => {
        impl FromStr for $name {
            type Err = ConversionError;
            fn from_str(value: &str) -> Result<Self, ConversionError> {
                $name::checked(value.to_owned()).map_err(ConversionError::from)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ConversionError;
            fn try_from(value: &str) -> Result<Self, ConversionError> {
                value.parse()
            }
        }

        impl TryFrom<&String> for $name {
            type Error = ConversionError;
            fn try_from(value: &String) -> Result<Self, ConversionError> {
                value.parse()
            }
        }

        impl TryFrom<String> for $name {
            type Error = ConversionError;
            fn try_from(value: String) -> Result<Self, ConversionError> {
                $name::checked(value).map_err(ConversionError::from)
            }
        }

        impl TryFrom<&ReceivedName> for $name {
            type Error = ConversionError;
            #[doc = concat!("The received name as ", $what, ", if it satisfies the rules of one.")]
            fn try_from(value: &ReceivedName) -> Result<Self, ConversionError> {
                value.as_str().parse()
            }
        }
    };
}

parse_name!(Lname, "a key");
parse_name!(Fname, "a first name");
