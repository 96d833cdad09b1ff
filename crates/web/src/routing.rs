//! The route table. Every route of the application is registered through
//! [`Routes`], which keeps each (method, path) beside the router it builds:
//! the security matrix (`tests/security_matrix.rs`) walks [`crate::route_table`]
//! — the router's own list, not one kept by hand — so that a new route
//! without an access rule fails the tests.

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{get, post, MethodRouter};
use axum::Router;

/// The HTTP methods the application answers (HEAD follows GET).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verb {
    Get,
    Post,
}

/// One registered route: the method and the path in axum syntax
/// (`/plans/{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Route {
    pub verb: Verb,
    pub path: &'static str,
}

/// A router under construction and the list of what it answers.
pub struct Routes {
    router: Router<AppState>,
    table: Vec<Route>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

impl Routes {
    pub fn new() -> Routes {
        Routes {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    pub fn get<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Verb::Get, path, get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Verb::Post, path, post(handler))
    }

    /// A POST whose body may be larger than axum's default limit (files).
    pub fn post_limited<H, T>(self, path: &'static str, handler: H, limit: usize) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let route = post(handler).layer(DefaultBodyLimit::max(limit));
        self.add(Verb::Post, path, route)
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<Route>) {
        (self.router, self.table)
    }

    fn add(mut self, verb: Verb, path: &'static str, route: MethodRouter<AppState>) -> Routes {
        // axum joins the methods of one path and refuses the same method
        // twice (a duplicate is a panic at start).
        self.router = self.router.route(path, route);
        self.table.push(Route { verb, path });
        self
    }
}
