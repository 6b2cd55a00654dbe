//! Lazy pagination over any listing operation: [`Pages`] yields whole pages, [`Paginator`]
//! yields items, each fetching a page only when the previous one is used up.
//!
//! Guarantees: at most one page is held; the listing ends when `nextToken` is absent or
//! empty; a token the service already returned in this listing ends it with
//! [`Error::RepeatedToken`] instead of looping; after an error the iterator is fused; and
//! [`Paginator::resume_token`] always says where to continue, exactly after the last item
//! yielded, even in the middle of a page.
//!
//! A resume token in the middle of a page has the form `apigwv2:skip=N:TOKEN`: continue
//! from the service token `TOKEN` (empty for the first page) and drop its first `N` items.
//! At a page boundary it is the service's own token.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::error::Error;
use crate::operation::{check_text, OperationRequest, Page};
use crate::Client;

const RESUME_PREFIX: &str = "apigwv2:skip=";
/// The largest skip a resume token may carry: far beyond any page, so that a forged token
/// cannot make one `next` walk a whole listing.
const MAX_SKIP: usize = 10_000;
/// Pages in a row with no items but a `nextToken` before the listing is stopped: a service
/// that keeps answering so would otherwise hold one `next` forever.
pub(crate) const MAX_EMPTY_PAGES: usize = 100;

pub(crate) mod sealed {
    pub trait Sealed {}
}

/// A request of a listing operation that the paginators can drive. Sealed: implemented by
/// this crate's listing requests only.
pub trait Paginated: Clone + sealed::Sealed {
    /// One element of a page (e.g. [`Stage`](crate::Stage)).
    type Item;
    #[doc(hidden)]
    const OPERATION: &'static str;
    #[doc(hidden)]
    fn set_page_token(&mut self, token: Option<String>);
    #[doc(hidden)]
    fn set_page_size(&mut self, n: Option<u32>);
    #[doc(hidden)]
    fn fetch(&self, client: &Client) -> Result<Page<Self::Item>, Error>;
}

/// The paging parameters every listing request has: `maxResults` and `nextToken`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PageParams {
    pub(crate) max_results: Option<u32>,
    pub(crate) next_token: Option<String>,
}

impl PageParams {
    /// The place `next_token` names: a service token, or this crate's resume token
    /// (`apigwv2:skip=N:TOKEN`), which every listing request accepts too.
    fn position(&self) -> Result<Option<Position>, Error> {
        self.next_token
            .as_deref()
            .map(|t| Position::parse_as("next_token", t))
            .transpose()
    }

    /// Drops the items the resume token said to skip; a skip longer than the page carries
    /// over into the next page's token, so `next_token` always holds a token this crate's
    /// requests accept.
    pub(crate) fn finish<T>(&self, mut page: Page<T>) -> Page<T> {
        let skip = self.position().ok().flatten().map_or(0, |p| p.skip);
        if skip == 0 {
            return page;
        }
        let dropped = skip.min(page.items.len());
        page.items.drain(..dropped);
        if skip > dropped {
            page.next_token = page.next_token.and_then(|t| {
                Position {
                    token: Some(t),
                    skip: skip - dropped,
                }
                .to_token()
            });
        }
        page
    }

    /// Checks the parameters and adds them to the request's query.
    pub(crate) fn apply(&self, mut req: OperationRequest) -> Result<OperationRequest, Error> {
        if let Some(n) = self.max_results {
            if n == 0 {
                return Err(Error::InvalidInput {
                    field: "max_results",
                    reason: "must be at least 1".into(),
                });
            }
            req = req.query_param("maxResults", &n.to_string());
        }
        if let Some(token) = self.position()?.and_then(|p| p.token) {
            req = req.query_param("nextToken", &token);
        }
        Ok(req)
    }
}

/// Makes a request type with a `page: PageParams` field a listing: its `max_results` and
/// `next_token` setters and getters, and its [`Paginated`] impl.
macro_rules! paginated {
    ($request:ty => $item:ty) => {
        impl $request {
            /// The page size to ask for (`maxResults`). Must be at least 1. Defaults to
            /// the service's own page size.
            pub fn max_results(mut self, n: u32) -> Self {
                self.page.max_results = Some(n);
                self
            }

            /// The token of the page to fetch (`nextToken` of the previous page). Defaults
            /// to none: the first page.
            pub fn next_token(mut self, token: impl Into<String>) -> Self {
                self.page.next_token = Some(token.into());
                self
            }

            /// The requested page size, if set.
            pub fn get_max_results(&self) -> Option<u32> {
                self.page.max_results
            }

            /// The page token, if set.
            pub fn get_next_token(&self) -> Option<&str> {
                self.page.next_token.as_deref()
            }
        }

        impl $crate::paginator::sealed::Sealed for $request {}

        impl $crate::paginator::Paginated for $request {
            type Item = $item;
            const OPERATION: &'static str = <Self as $crate::operation::Operation>::NAME;

            fn set_page_token(&mut self, token: Option<String>) {
                self.page.next_token = token;
            }

            fn set_page_size(&mut self, n: Option<u32>) {
                self.page.max_results = n;
            }

            fn fetch(&self, client: &$crate::Client) -> Result<$crate::Page<$item>, $crate::Error> {
                client.invoke(self)
            }
        }
    };
}
pub(crate) use paginated;

/// A place in a listing: a service token (none for the start) and items to drop after it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Position {
    token: Option<String>,
    skip: usize,
}

impl Position {
    fn parse(token: &str) -> Result<Self, Error> {
        Self::parse_as("starting_token", token)
    }

    fn parse_as(field: &'static str, token: &str) -> Result<Self, Error> {
        check_text(field, token)?;
        let Some(rest) = token.strip_prefix(RESUME_PREFIX) else {
            return Ok(Self {
                token: Some(token.to_owned()).filter(|t| !t.is_empty()),
                skip: 0,
            });
        };
        let bad = || Error::InvalidInput {
            field,
            reason: "is a malformed apigwv2 resume token".into(),
        };
        let (n, tok) = rest.split_once(':').ok_or_else(bad)?;
        let skip = n
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= MAX_SKIP)
            .ok_or_else(bad)?;
        Ok(Self {
            token: Some(tok.to_owned()).filter(|t| !t.is_empty()),
            skip,
        })
    }

    /// The string form a user can store and pass to `starting_token`; `None` for the
    /// start of the listing.
    fn to_token(&self) -> Option<String> {
        match (self.skip, &self.token) {
            (0, t) => t.clone(),
            (n, t) => Some(format!("{RESUME_PREFIX}{n}:{}", t.as_deref().unwrap_or(""))),
        }
    }
}

/// Parses a starting token (a service token or an apigwv2 resume token); for the fuzzers.
pub(crate) fn parse_resume_token(token: &str) -> bool {
    Position::parse(token).is_ok()
}

fn token_hash(token: &str) -> u64 {
    let mut h = DefaultHasher::new();
    token.hash(&mut h);
    h.finish()
}

/// An iterator over the pages of a listing: `Iterator<Item = Result<Page, Error>>`.
///
/// Made by [`Paginator::pages`]. With `max_items`, the last page is cut to stay within the
/// limit and its `next_token` is the resume token.
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct Pages<R: Paginated> {
    client: Client,
    request: R,
    page_size: Option<u32>,
    max_items: Option<usize>,
    starting_token: Option<String>,
    started: bool,
    /// Where the next fetch starts; `None` once the listing is exhausted.
    position: Option<Position>,
    /// Where the page last yielded started, for mid-page resume tokens.
    page_start: Option<Position>,
    /// Hashes of the tokens used in this listing (64-bit SipHash: memory stays small for
    /// listings of millions of items).
    seen: HashSet<u64>,
    pages_fetched: usize,
    /// Pages in a row that had no items (but a next token).
    empty_run: usize,
    items_yielded: usize,
    done: bool,
    pending_error: Option<Error>,
}

impl<R: Paginated> std::fmt::Debug for Pages<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages")
            .field("page_size", &self.page_size)
            .field("max_items", &self.max_items)
            .field("pages_fetched", &self.pages_fetched)
            .field("items_yielded", &self.items_yielded)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<R: Paginated> Pages<R> {
    fn new(client: Client, request: R) -> Self {
        Self {
            client,
            request,
            page_size: None,
            max_items: None,
            starting_token: None,
            started: false,
            position: Some(Position { token: None, skip: 0 }),
            page_start: None,
            seen: HashSet::new(),
            pages_fetched: 0,
            empty_run: 0,
            items_yielded: 0,
            done: false,
            pending_error: None,
        }
    }

    /// How many pages have been fetched so far.
    pub fn pages_fetched(&self) -> usize {
        self.pages_fetched
    }

    /// The token to continue this listing from later with `starting_token`: the token of
    /// the next page, or of the page that failed. `None` when the listing is complete (or
    /// has not started and had no starting token).
    pub fn resume_token(&self) -> Option<String> {
        if !self.started {
            return self.starting_token.clone();
        }
        self.position.as_ref().and_then(Position::to_token)
    }

    fn start(&mut self) -> Result<(), Error> {
        self.started = true;
        if self.page_size == Some(0) {
            return Err(Error::InvalidInput {
                field: "page_size",
                reason: "must be at least 1".into(),
            });
        }
        if let Some(t) = &self.starting_token {
            let pos = Position::parse(t)?;
            if let Some(tok) = &pos.token {
                self.seen.insert(token_hash(tok));
            }
            self.position = Some(pos);
        }
        Ok(())
    }

    fn fail(&mut self, e: Error) -> Option<Result<Page<R::Item>, Error>> {
        self.done = true;
        Some(Err(e))
    }
}

impl<R: Paginated> Iterator for Pages<R> {
    type Item = Result<Page<R::Item>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.pending_error.take() {
            return self.fail(e);
        }
        if self.done {
            return None;
        }
        if !self.started {
            if let Err(e) = self.start() {
                self.position = None;
                return self.fail(e);
            }
        }
        loop {
            let pos = self.position.clone()?;
            if self.max_items.is_some_and(|m| self.items_yielded >= m) {
                self.done = true;
                return None;
            }
            let mut request = self.request.clone();
            request.set_page_token(pos.token.clone());
            request.set_page_size(self.page_size);
            let page = match request.fetch(&self.client) {
                Ok(page) => page,
                Err(e) => return self.fail(e),
            };
            self.pages_fetched += 1;
            let Page {
                mut items,
                next_token: next,
            } = page;
            let next = next.filter(|t| !t.is_empty());
            self.empty_run = if items.is_empty() && next.is_some() {
                self.empty_run + 1
            } else {
                0
            };
            if self.empty_run >= MAX_EMPTY_PAGES {
                self.position = None;
                return self.fail(Error::EmptyPages {
                    operation: R::OPERATION,
                    pages: self.empty_run,
                });
            }
            let dropped = pos.skip.min(items.len());
            items.drain(..dropped);
            if let Some(t) = &next {
                if !self.seen.insert(token_hash(t)) {
                    self.pending_error = Some(Error::RepeatedToken {
                        operation: R::OPERATION,
                        pages: self.pages_fetched,
                    });
                }
            }
            if pos.skip > dropped {
                // The whole page was before the resume point: go on to the next one.
                self.position = next.map(|token| Position {
                    token: Some(token),
                    skip: pos.skip - dropped,
                });
                if let Some(e) = self.pending_error.take() {
                    self.position = None;
                    return self.fail(e);
                }
                continue;
            }
            self.page_start = Some(pos.clone());
            let mut next_for_page = next.clone();
            match self.max_items.map(|m| m - self.items_yielded) {
                Some(room) if items.len() > room => {
                    items.truncate(room);
                    let resume = Position {
                        token: pos.token.clone(),
                        skip: pos.skip + room,
                    };
                    next_for_page = resume.to_token();
                    self.position = Some(resume);
                    self.items_yielded += room;
                    self.done = true;
                    self.pending_error = None;
                }
                _ => {
                    self.items_yielded += items.len();
                    self.position = if self.pending_error.is_some() {
                        None
                    } else {
                        next.map(|token| Position {
                            token: Some(token),
                            skip: 0,
                        })
                    };
                }
            }
            return Some(Ok(Page::new(items, next_for_page)));
        }
    }
}

impl<R: Paginated> std::iter::FusedIterator for Pages<R> {}

/// A lazy iterator over the items of a listing: `Iterator<Item = Result<Item, Error>>`.
///
/// Made by [`Client::stages`]; configure it before iterating.
///
/// ```no_run
/// # fn main() -> Result<(), apigwv2::Error> {
/// let client = apigwv2::Client::from_env()?;
/// let mut stages = client.stages("a1b2c3").page_size(50).max_items(200);
/// for stage in &mut stages {
///     println!("{}", stage?.stage_name);
/// }
/// if let Some(token) = stages.resume_token() {
///     println!("continue later with --starting-token {token}");
/// }
/// # Ok(()) }
/// ```
#[must_use = "iterators are lazy and do nothing unless consumed"]
pub struct Paginator<R: Paginated> {
    pages: Pages<R>,
    current: std::vec::IntoIter<R::Item>,
    consumed_in_page: usize,
}

impl<R: Paginated> std::fmt::Debug for Paginator<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("pages", &self.pages)
            .field("buffered", &self.current.len())
            .finish()
    }
}

impl<R: Paginated> Paginator<R> {
    pub(crate) fn new(client: Client, request: R) -> Self {
        Self {
            pages: Pages::new(client, request),
            current: Vec::new().into_iter(),
            consumed_in_page: 0,
        }
    }

    /// The page size to ask the service for (`maxResults`). Must be at least 1 (0 gives an
    /// [`Error::InvalidInput`] on the first `next`). Defaults to the service's own.
    pub fn page_size(mut self, n: u32) -> Self {
        self.pages.page_size = Some(n);
        self
    }

    /// Stops after this many items, without fetching further pages; the resume token then
    /// continues exactly after the last item yielded. Defaults to no limit.
    pub fn max_items(mut self, n: usize) -> Self {
        self.pages.max_items = Some(n);
        self
    }

    /// Starts from a token saved from [`Paginator::resume_token`] (or a service
    /// `nextToken`). Defaults to the start of the listing.
    pub fn starting_token(mut self, token: impl Into<String>) -> Self {
        self.pages.starting_token = Some(token.into());
        self
    }

    /// Iterates over whole pages instead of items, with the same settings.
    pub fn pages(self) -> Pages<R> {
        self.pages
    }

    /// How many pages have been fetched so far.
    pub fn pages_fetched(&self) -> usize {
        self.pages.pages_fetched()
    }

    /// Where to continue this listing later (pass it to `starting_token`): exactly after the
    /// last item yielded. After an error, the position of the page that failed. `None` when
    /// the listing is complete, or nothing was consumed yet and no starting token was given.
    pub fn resume_token(&self) -> Option<String> {
        if self.current.len() > 0 {
            let start = self.pages.page_start.clone()?;
            Position {
                token: start.token,
                skip: start.skip + self.consumed_in_page,
            }
            .to_token()
        } else {
            self.pages.resume_token()
        }
    }
}

impl<R: Paginated> Paginator<R> {
    /// The items of the current page not yielded yet: while above 0, `next` sends nothing.
    pub(crate) fn buffered(&self) -> usize {
        self.current.len()
    }

    /// Where the current page began, to compute the resume token after any of its items
    /// later, once this paginator has moved on (`all_stages` hands whole pages over).
    pub(crate) fn page_mark(&self) -> Option<PageMark> {
        self.pages.page_start.clone().map(PageMark)
    }
}

/// Where a page began (see [`Paginator::page_mark`]).
#[derive(Debug, Clone)]
pub(crate) struct PageMark(Position);

impl PageMark {
    /// The resume token after the first `consumed` items of the page: what
    /// [`Paginator::resume_token`] said at that point, while items of the page were left.
    pub(crate) fn token_after(&self, consumed: usize) -> Option<String> {
        Position {
            token: self.0.token.clone(),
            skip: self.0.skip + consumed,
        }
        .to_token()
    }
}

impl<R: Paginated> Iterator for Paginator<R> {
    type Item = Result<R::Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.current.next() {
                self.consumed_in_page += 1;
                return Some(Ok(item));
            }
            match self.pages.next()? {
                Ok(page) => {
                    self.current = page.items.into_iter();
                    self.consumed_in_page = 0;
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl<R: Paginated> std::iter::FusedIterator for Paginator<R> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resume_tokens_round_trip() {
        for (pos, text) in [
            (
                Position {
                    token: Some("abc".into()),
                    skip: 0,
                },
                Some("abc"),
            ),
            (
                Position {
                    token: Some("a:b=".into()),
                    skip: 3,
                },
                Some("apigwv2:skip=3:a:b="),
            ),
            (Position { token: None, skip: 2 }, Some("apigwv2:skip=2:")),
            (Position { token: None, skip: 0 }, None),
        ] {
            assert_eq!(pos.to_token().as_deref(), text);
            if let Some(t) = text {
                assert_eq!(Position::parse(t).unwrap(), pos);
            }
        }
        assert!(Position::parse("apigwv2:skip=x:t").is_err());
        assert!(Position::parse("apigwv2:skip=1").is_err());
        assert!(Position::parse("t\n").is_err());
    }
}
