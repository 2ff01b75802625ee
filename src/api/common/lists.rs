//! Bounds on the lists clients send.
//!
//! Every list in an input type or argument carries `#[graphql(validator(custom = ...))]` with
//! [`at_most`], so its length is checked as the request is parsed, before any resolver or
//! domain rule looks at an entry: a list of 20,000 strings is refused by its count alone. The
//! domain checks the same limits again (it is also reached from the command line and seeds).

use crate::domain::activity::MAX_DEMOGRAPHIC_CATEGORIES;
use crate::domain::common::limits;

/// Refuses a list longer than [`limits::LIST`] (themes, partners, ids and the like).
pub(crate) fn short<T>(field: &'static str) -> impl Fn(&Vec<T>) -> Result<(), String> {
    at_most(field, limits::LIST)
}

/// Refuses a demographic dimension with more than [`MAX_DEMOGRAPHIC_CATEGORIES`] entries.
pub(crate) fn categories<T>(field: &'static str) -> impl Fn(&Vec<T>) -> Result<(), String> {
    at_most(field, MAX_DEMOGRAPHIC_CATEGORIES)
}

/// Refuses a meeting's attendance naming more than [`limits::ATTENDEES`] appointments.
pub(crate) fn attendees<T>(field: &'static str) -> impl Fn(&Vec<T>) -> Result<(), String> {
    at_most(field, limits::ATTENDEES)
}

/// Refuses a list longer than `max`, naming `field` as the client spells it.
pub(crate) fn at_most<T>(
    field: &'static str,
    max: usize,
) -> impl Fn(&Vec<T>) -> Result<(), String> {
    move |list| {
        if list.len() <= max {
            Ok(())
        } else {
            Err(format!(
                "{field}: has {} entries; the limit is {max}",
                list.len()
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_over_its_limit_is_refused_by_name() {
        let check = at_most::<u8>("themes", 2);
        assert!(check(&vec![1, 2]).is_ok());
        assert_eq!(
            check(&vec![0; 20_000]),
            Err("themes: has 20000 entries; the limit is 2".to_owned())
        );
    }
}
