//! The engine's named settings as command-line values: clap lists and parses exactly the
//! names the engine gives them.

use crate::campaigns::{Objective, Target};
use crate::choice::Choice;
use crate::recommendations::ModelKind;
use crate::segment::Method;
use clap::builder::PossibleValue;

macro_rules! value_enum {
    ($($t:ty),*) => {$(
        impl clap::ValueEnum for $t {
            fn value_variants<'a>() -> &'a [Self] {
                <$t as Choice>::ALL
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(PossibleValue::new(self.name()))
            }
        }
    )*};
}

value_enum!(Method, ModelKind, Target, Objective);
